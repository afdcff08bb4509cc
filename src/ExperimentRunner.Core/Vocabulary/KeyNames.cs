using System.Collections.Frozen;
using System.Globalization;

namespace ExperimentRunner.Core.Vocabulary;

/// <summary>
/// The one table of key and button names: what the input layer reports in <see cref="Devices.InputEvent.Key"/>
/// and what a paradigm (responses, abort and pause keys), a key trigger (<c>key:5</c>) or an operator's start key
/// (<c>manual:s</c>) may name. Names are lower case; the keypad's digits and Enter have the main keys' names ("1",
/// "return"), so button boxes that emulate either are read alike. Every name is one string instance, made here, so
/// the input layer maps events without allocating and comparisons may be by reference.
/// </summary>
public static class KeyNames
{
    /// <summary>A key the table has no name for (reported by the input layer; never nameable).</summary>
    public const string Unknown = "unknown";
    /// <summary>The window was closed (or the OS asked the program to quit); never nameable.</summary>
    public const string Quit = "quit";
    /// <summary>The mouse moved (the event carries X and Y); never nameable.</summary>
    public const string MouseMove = "mouse_move";
    public const string MouseLeft = "mouse_left";
    public const string MouseMiddle = "mouse_middle";
    public const string MouseRight = "mouse_right";
    public const string MouseX1 = "mouse_x1";
    public const string MouseX2 = "mouse_x2";

    private static readonly string[] Names =
    [
        .. Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)),
        .. Enumerable.Range('a', 26).Select(c => ((char)c).ToString()),
        "space", "return", "escape", "tab", "backspace", "delete",
        "minus", "equals", "comma", "period", "slash", "semicolon", "quote", "leftbracket", "rightbracket", "backslash",
        "backquote", "asterisk", "plus",
        "left", "right", "up", "down", "home", "end", "pageup", "pagedown", "insert",
        .. Enumerable.Range(1, 12).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture)),
        "capslock", "printscreen", "scrolllock", "pause",
        "lctrl", "lshift", "lalt", "lgui", "rctrl", "rshift", "ralt", "rgui",
        MouseLeft, MouseMiddle, MouseRight, MouseX1, MouseX2,
    ];

    private static readonly FrozenDictionary<string, string> ByName =
        Names.ToFrozenDictionary(n => n, n => n, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every name a paradigm, a key trigger or a start key may use, in a readable order.</summary>
    public static IReadOnlyList<string> All => Names;

    /// <summary>True when <paramref name="key"/> is a name of the table (ignoring case).</summary>
    public static bool IsKnown(string key) => ByName.ContainsKey(key.Trim());

    /// <summary>The table's own instance of <paramref name="key"/> (ignoring case and surrounding blanks), or false.</summary>
    public static bool TryNormalize(string key, out string name)
    {
        if (ByName.TryGetValue(key.Trim(), out var found))
        {
            name = found;
            return true;
        }
        name = Unknown;
        return false;
    }

    /// <summary>
    /// The table's own instance of <paramref name="key"/>; throws <see cref="DeviceSpecException"/> with a "did you
    /// mean" when it is not a key name. <paramref name="where"/> starts the message (e.g. "'key:notakey': ").
    /// </summary>
    public static string Normalize(string key, string where = "")
    {
        if (TryNormalize(key, out var name)) return name;
        string suggestion = key.Trim().Length == 0 ? "" : NameSuggestions.DidYouMean(key.Trim(), Names);
        throw new DeviceSpecException($"{where}'{key}' is not a key name{suggestion}; {Hint}");
    }

    /// <summary>What key names look like, for messages.</summary>
    public const string Hint = "key names are 0–9, a–z, space, return, escape, left, right, up, down, f1–f12, mouse_left and the like (all of them: paradigms/README.md, 'responses, keys')";
}
