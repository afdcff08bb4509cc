using ExperimentRunner.Core.Vocabulary;

namespace ExperimentRunner.Presentation.Input;

/// <summary>
/// X keysyms to the key names of Core's one table (<see cref="KeyNames"/>), used to build a keycode table once per
/// keyboard mapping; events are then named by an array lookup, without allocating. As with <see cref="SdlKeys"/>, the
/// keypad's digits and Enter give the main keys' names ("1", "return"), whatever the NumLock state.
/// </summary>
internal static class X11Keys
{
    private static readonly Dictionary<nuint, string> ByKeysym = Build();

    private static string N(string name) =>
        KeyNames.TryNormalize(name, out var known) ? known : throw new InvalidOperationException($"'{name}' is not in Core's key name table");

    private static Dictionary<nuint, string> Build()
    {
        var d = new Dictionary<nuint, string>();
        for (char c = '0'; c <= '9'; c++) d[c] = N(c.ToString());
        for (char c = 'a'; c <= 'z'; c++)
        {
            d[c] = N(c.ToString());
            d[char.ToUpperInvariant(c)] = d[c];
        }
        (nuint, string)[] named =
        [
            (' ', "space"), ('-', "minus"), ('=', "equals"), (',', "comma"), ('.', "period"), ('/', "slash"),
            (';', "semicolon"), ('\'', "quote"), ('[', "leftbracket"), (']', "rightbracket"), ('\\', "backslash"),
            ('`', "backquote"), ('*', "asterisk"), ('+', "plus"),
            (0xff08, "backspace"), (0xff09, "tab"), (0xff0d, "return"), (0xff1b, "escape"), (0xffff, "delete"),
            (0xff13, "pause"), (0xff14, "scrolllock"), (0xff61, "printscreen"), (0xffe5, "capslock"),
            (0xff50, "home"), (0xff51, "left"), (0xff52, "up"), (0xff53, "right"), (0xff54, "down"),
            (0xff55, "pageup"), (0xff56, "pagedown"), (0xff57, "end"), (0xff63, "insert"),
            (0xffe1, "lshift"), (0xffe2, "rshift"), (0xffe3, "lctrl"), (0xffe4, "rctrl"),
            (0xffe9, "lalt"), (0xffea, "ralt"), (0xffeb, "lgui"), (0xffec, "rgui"),
            // The keypad: Enter, digits, operators (KP_Enter, KP_0–9, KP_Multiply, KP_Add, KP_Subtract, KP_Decimal, KP_Divide).
            (0xff8d, "return"), (0xffaa, "asterisk"), (0xffab, "plus"), (0xffad, "minus"), (0xffae, "period"), (0xffaf, "slash"),
        ];
        foreach (var (sym, name) in named) d[sym] = N(name);
        for (int i = 0; i <= 9; i++) d[(nuint)(0xffb0 + i)] = N(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (int i = 0; i < 12; i++) d[(nuint)(0xffbe + i)] = N("f" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return d;
    }

    /// <summary>True for the keypad's navigation keysyms (KP_Home … KP_Delete): NumLock off; its digit is on level 1.</summary>
    public static bool IsKeypadNavigation(nuint keysym) => keysym is >= 0xff95 and <= 0xff9f;

    /// <summary>The name of a keysym, or <see cref="KeyNames.Unknown"/>.</summary>
    public static string FromKeysym(nuint keysym) => ByKeysym.GetValueOrDefault(keysym, KeyNames.Unknown);

    /// <summary>The keysym of a key name, for the injector (the first keysym that gives it).</summary>
    public static nuint ToKeysym(string name)
    {
        string n = KeyNames.Normalize(name);
        foreach (var (sym, known) in ByKeysym)
            if (ReferenceEquals(known, n) && sym is < 'A' or > 'Z') return sym;
        throw new ArgumentException($"no X keysym gives '{name}'", nameof(name));
    }
}
