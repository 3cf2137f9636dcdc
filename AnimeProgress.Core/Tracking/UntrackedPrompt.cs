using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// A prompt queued on an instance beyond the cap of followed jobs: what an operator needs to find it in ComfyUI,
/// a few hundred bytes instead of a followed job's state.
/// </summary>
/// <param name="Position">1-based place among the instance's pending prompts; 0 for the running one.</param>
public sealed record UntrackedPrompt(int Position, string PromptId, string Title, JobSource Source);
