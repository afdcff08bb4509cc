using ExperimentRunner.Core.Vocabulary;
using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation.Input;

/// <summary>
/// SDL keycodes and mouse buttons to the key names of Core's one table (<see cref="KeyNames"/>). Every name comes
/// from that table (a misspelt name here fails at start-up), so mapping an event allocates nothing. The keypad's
/// digits and Enter give the same names as the main keys ("1", "return"): button boxes that emulate either are then
/// read alike.
/// </summary>
public static class SdlKeys
{
    private static readonly string[] Ascii = new string[128];
    private static readonly string[] ByScancode = new string[512];
    private static readonly string[] Mouse = [KeyNames.Unknown, KeyNames.MouseLeft, KeyNames.MouseMiddle, KeyNames.MouseRight, KeyNames.MouseX1, KeyNames.MouseX2];

    /// <summary>The table's own instance of a name; throws at start-up for a name the table does not have.</summary>
    private static string N(string name) =>
        KeyNames.TryNormalize(name, out var known) ? known : throw new InvalidOperationException($"'{name}' is not in Core's key name table");

    static SdlKeys()
    {
        for (char c = '0'; c <= '9'; c++) Ascii[c] = N(c.ToString());
        for (char c = 'a'; c <= 'z'; c++) Ascii[c] = N(c.ToString());
        Ascii[' '] = N("space");
        Ascii['\r'] = N("return");
        Ascii[27] = N("escape");
        Ascii['\b'] = N("backspace");
        Ascii['\t'] = N("tab");
        Ascii[127] = N("delete");
        Ascii['-'] = N("minus");
        Ascii['='] = N("equals");
        Ascii[','] = N("comma");
        Ascii['.'] = N("period");
        Ascii['/'] = N("slash");
        Ascii[';'] = N("semicolon");
        Ascii['\''] = N("quote");
        Ascii['['] = N("leftbracket");
        Ascii[']'] = N("rightbracket");
        Ascii['\\'] = N("backslash");
        Ascii['`'] = N("backquote");

        for (int i = 0; i < 12; i++) ByScancode[58 + i] = N("f" + (i + 1));
        ByScancode[57] = N("capslock");
        ByScancode[70] = N("printscreen");
        ByScancode[71] = N("scrolllock");
        ByScancode[72] = N("pause");
        ByScancode[73] = N("insert");
        ByScancode[74] = N("home");
        ByScancode[75] = N("pageup");
        ByScancode[77] = N("end");
        ByScancode[78] = N("pagedown");
        ByScancode[79] = N("right");
        ByScancode[80] = N("left");
        ByScancode[81] = N("down");
        ByScancode[82] = N("up");
        ByScancode[84] = N("slash");
        ByScancode[85] = N("asterisk");
        ByScancode[86] = N("minus");
        ByScancode[87] = N("plus");
        ByScancode[88] = Ascii['\r'];
        for (int i = 1; i <= 9; i++) ByScancode[88 + i] = Ascii['0' + i];
        ByScancode[98] = Ascii['0'];
        ByScancode[99] = Ascii['.'];
        ByScancode[224] = N("lctrl");
        ByScancode[225] = N("lshift");
        ByScancode[226] = N("lalt");
        ByScancode[227] = N("lgui");
        ByScancode[228] = N("rctrl");
        ByScancode[229] = N("rshift");
        ByScancode[230] = N("ralt");
        ByScancode[231] = N("rgui");
    }

    /// <summary>Every name this mapping can produce for a key or button (for tests: all are in Core's table).</summary>
    public static IEnumerable<string> Produced =>
        Ascii.Concat(ByScancode).Concat(Mouse.Skip(1)).Where(n => n is not null).Distinct();

    /// <summary>The name of an SDL keycode, or <see cref="KeyNames.Unknown"/>. Allocation-free.</summary>
    public static string FromKeycode(int keycode)
    {
        if ((uint)keycode < 128u) return Ascii[keycode] ?? KeyNames.Unknown;
        if ((keycode & Sdl.KeycodeScancodeMask) != 0)
        {
            int scancode = keycode & ~Sdl.KeycodeScancodeMask;
            if ((uint)scancode < (uint)ByScancode.Length) return ByScancode[scancode] ?? KeyNames.Unknown;
        }
        return KeyNames.Unknown;
    }

    /// <summary>The name of an SDL mouse button (1 left, 2 middle, 3 right, 4–5 extra), or <see cref="KeyNames.Unknown"/>.</summary>
    public static string FromMouseButton(int button) => (uint)button < (uint)Mouse.Length ? Mouse[button] : KeyNames.Unknown;
}
