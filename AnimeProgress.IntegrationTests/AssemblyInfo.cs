using Xunit.Sdk;
using Xunit.v3;

// WebApplicationFactory finds the app's host by listening for hosts being built in this process;
// a host built in parallel (another app, an emulator) can be captured instead. Tests therefore run
// one class at a time; the fast unit tests (AnimeProgress.Tests) run in parallel in their own project.
[assembly: Parallelization(Mode = ParallelMode.None)]
