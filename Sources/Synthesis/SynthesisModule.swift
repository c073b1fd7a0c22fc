/// Synthetic studies for tests, benchmarks and the demo.
public enum SynthesisModule {}
