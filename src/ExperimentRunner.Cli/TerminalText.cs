using System.Text;
using Spectre.Console;

namespace ExperimentRunner.Cli;

/// <summary>
/// Text from files and arguments (a CSV header, a participant ID, a path) reaches the operator's terminal only through
/// here: control characters are shown as <c>\x1B</c>-style escapes, so such text cannot clear the screen, set the
/// window title or move the cursor. Plain writes are made safe by <see cref="Install"/>; Spectre markup by
/// <see cref="Escape"/>.
/// </summary>
public static class TerminalText
{
    /// <summary>Whether <paramref name="c"/> would act on a terminal rather than print: C0 (but tab, newline and carriage return), DEL, C1, bidi overrides.</summary>
    public static bool IsControl(char c) =>
        (c < 0x20 && c is not ('\t' or '\n' or '\r')) || c is >= '\u007F' and <= '\u009F'
        || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';

    /// <summary><paramref name="text"/> with every control character written as a visible escape (ESC becomes <c>\x1B</c>).</summary>
    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(IsControl)) return text ?? "";
        var sb = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (!IsControl(c)) sb.Append(c);
            else if (c <= 0xFF) sb.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Safe text for Spectre markup: controls made visible, then '[' and ']' escaped.</summary>
    public static string Escape(string? text) => Markup.Escape(Safe(text));

    /// <summary>
    /// Makes every plain write to standard output and error safe, and gives Spectre its own console on the real
    /// output, without colour or cursor codes when the output is not a terminal (a pipe, a file) or NO_COLOR is set.
    /// </summary>
    public static void Install()
    {
        var rawOut = Console.Out;
        Console.SetOut(TextWriter.Synchronized(new SafeWriter(rawOut)));
        Console.SetError(TextWriter.Synchronized(new SafeWriter(Console.Error)));
        bool plain = Console.IsOutputRedirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(rawOut),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
        });
    }

    /// <summary>A writer that passes everything through <see cref="Safe"/>.</summary>
    private sealed class SafeWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;
        public override IFormatProvider FormatProvider => inner.FormatProvider;
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string NewLine { get => inner.NewLine; set => inner.NewLine = value; }

        public override void Write(char value)
        {
            if (IsControl(value)) inner.Write(Safe(value.ToString()));
            else inner.Write(value);
        }

        public override void Write(string? value) => inner.Write(Safe(value));
        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
        public override void WriteLine(string? value) => inner.WriteLine(Safe(value));
        public override void Flush() => inner.Flush();
    }
}
