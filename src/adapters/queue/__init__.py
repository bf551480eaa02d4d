"""`AnalysisQueue` adapters: `InProcessQueue` (embedded profile: jobs run in the API
process) and `RedisStreamQueue` (production: a Redis stream that `psi worker` consumes)."""
