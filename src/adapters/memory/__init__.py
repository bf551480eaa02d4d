"""In-process adapters of the ports, for unit tests and benchmarks.

Naming rule for test doubles across Psi: `Memory<Port>` is an in-process adapter of one
of our ports and passes that port's contract suite (`MemorySessionStore`); `Recording<X>`
keeps what it was handed for a test to inspect or run later (`RecordingAnalysisQueue`);
`Fake<Service>` stands in for a third-party service on its own wire protocol (`FakeStripe`,
`FakeFdc`, `FakeAnthropic`). Production adapters are named by their technology
(`Sql...`, `Redis...`, `Mongo...`, `InProcessQueue`).
"""
