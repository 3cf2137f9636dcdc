using Xunit.Sdk;
using Xunit.v3;

// WebApplicationFactory finds the app's host by listening for hosts being built in this process;
// a host built in parallel (another app, an emulator) can be captured instead. Tests therefore run
// one class at a time; the unit tests are fast enough that this costs little.
[assembly: Parallelization(Mode = ParallelMode.None)]
