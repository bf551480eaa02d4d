"""HRV libraries behind `application.ports.wellness.HrvAnalyzer`."""
