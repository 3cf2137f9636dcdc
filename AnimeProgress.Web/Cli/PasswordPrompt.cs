using System.Text;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// Where <c>users add</c> gets the password: typed at a terminal without echo (asked twice), or the first line of
/// standard input when it is redirected (<c>echo "$PASSWORD" | … users add …</c>, a secret file, a pipeline). Never an
/// argument: command lines are visible to every user of the machine and end up in shell history.
/// </summary>
public abstract class PasswordPrompt
{
    public static PasswordPrompt FromConsole() =>
        Console.IsInputRedirected ? new FromReader(Console.In) : new FromTerminal();

    public static PasswordPrompt FromText(TextReader input) => new FromReader(input);

    /// <summary>The password, or null when none was given; <paramref name="error"/> is where prompts and complaints go.</summary>
    public abstract Task<string?> ReadAsync(string userName, TextWriter error, CancellationToken cancellationToken);

    private sealed class FromReader(TextReader input) : PasswordPrompt
    {
        public override async Task<string?> ReadAsync(string userName, TextWriter error, CancellationToken cancellationToken) =>
            await input.ReadLineAsync(cancellationToken);
    }

    private sealed class FromTerminal : PasswordPrompt
    {
        public override async Task<string?> ReadAsync(string userName, TextWriter error, CancellationToken cancellationToken)
        {
            var first = await ReadHiddenAsync($"Password for {userName}: ", error, cancellationToken);
            var second = await ReadHiddenAsync("The same password again: ", error, cancellationToken);
            if (!string.Equals(first, second, StringComparison.Ordinal))
            {
                await error.WriteLineAsync("users add: the two passwords differ; nothing was changed.");
                return null;
            }

            return first;
        }

        private static async Task<string> ReadHiddenAsync(string prompt, TextWriter error, CancellationToken cancellationToken)
        {
            await error.WriteAsync(prompt);
            await error.FlushAsync(cancellationToken);
            var typed = new StringBuilder();
            while (true)
            {
                // intercept: the key is not echoed.
                var key = Console.ReadKey(intercept: true);
                cancellationToken.ThrowIfCancellationRequested();
                if (key.Key == ConsoleKey.Enter)
                {
                    break;
                }

                if (key.Key == ConsoleKey.Backspace)
                {
                    typed.Length = Math.Max(0, typed.Length - 1);
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    typed.Append(key.KeyChar);
                }
            }

            await error.WriteLineAsync();
            return typed.ToString();
        }
    }
}
