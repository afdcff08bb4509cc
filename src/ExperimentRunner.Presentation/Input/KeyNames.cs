using ExperimentRunner.Presentation.Native;

namespace ExperimentRunner.Presentation.Input;

/// <summary>
/// SDL keycodes to the fixed key names of <see cref="Core.Devices.InputEvent.Key"/>: "0"…"9", "a"…"z", "space",
/// "return", "escape", "left", "right", "up", "down", "f1"…"f12", "lshift"… Every name is a string made once, here,
/// so mapping an event allocates nothing. The keypad's digits and Enter give the same names as the main keys
/// ("1", "return"): button boxes that emulate either are then read alike.
/// </summary>
public static class KeyNames
{
    public const string Unknown = "unknown";
    /// <summary>The window was closed (or the OS asked the program to quit).</summary>
    public const string Quit = "quit";
    public const string MouseMove = "mouse_move";
    public const string MouseLeft = "mouse_left";
    public const string MouseMiddle = "mouse_middle";
    public const string MouseRight = "mouse_right";
    public const string MouseX1 = "mouse_x1";
    public const string MouseX2 = "mouse_x2";

    private static readonly string[] Ascii = new string[128];
    private static readonly string[] ByScancode = new string[512];
    private static readonly string[] Mouse = [Unknown, MouseLeft, MouseMiddle, MouseRight, MouseX1, MouseX2];
    private static readonly HashSet<string> AllNames = new(StringComparer.Ordinal);

    static KeyNames()
    {
        for (char c = '0'; c <= '9'; c++) Ascii[c] = c.ToString();
        for (char c = 'a'; c <= 'z'; c++) Ascii[c] = c.ToString();
        Ascii[' '] = "space";
        Ascii['\r'] = "return";
        Ascii[27] = "escape";
        Ascii['\b'] = "backspace";
        Ascii['\t'] = "tab";
        Ascii[127] = "delete";
        Ascii['-'] = "minus";
        Ascii['='] = "equals";
        Ascii[','] = "comma";
        Ascii['.'] = "period";
        Ascii['/'] = "slash";
        Ascii[';'] = "semicolon";
        Ascii['\''] = "quote";
        Ascii['['] = "leftbracket";
        Ascii[']'] = "rightbracket";
        Ascii['\\'] = "backslash";
        Ascii['`'] = "backquote";

        for (int i = 0; i < 12; i++) ByScancode[58 + i] = "f" + (i + 1);
        ByScancode[57] = "capslock";
        ByScancode[70] = "printscreen";
        ByScancode[71] = "scrolllock";
        ByScancode[72] = "pause";
        ByScancode[73] = "insert";
        ByScancode[74] = "home";
        ByScancode[75] = "pageup";
        ByScancode[77] = "end";
        ByScancode[78] = "pagedown";
        ByScancode[79] = "right";
        ByScancode[80] = "left";
        ByScancode[81] = "down";
        ByScancode[82] = "up";
        ByScancode[84] = "slash";
        ByScancode[85] = "asterisk";
        ByScancode[86] = "minus";
        ByScancode[87] = "plus";
        ByScancode[88] = Ascii['\r'];
        for (int i = 1; i <= 9; i++) ByScancode[88 + i] = Ascii['0' + i];
        ByScancode[98] = Ascii['0'];
        ByScancode[99] = Ascii['.'];
        ByScancode[224] = "lctrl";
        ByScancode[225] = "lshift";
        ByScancode[226] = "lalt";
        ByScancode[227] = "lgui";
        ByScancode[228] = "rctrl";
        ByScancode[229] = "rshift";
        ByScancode[230] = "ralt";
        ByScancode[231] = "rgui";

        foreach (var s in Ascii) if (s is not null) AllNames.Add(s);
        foreach (var s in ByScancode) if (s is not null) AllNames.Add(s);
        foreach (var s in Mouse) AllNames.Add(s);
        AllNames.Add(Quit);
        AllNames.Add(MouseMove);
    }

    /// <summary>Every name this table can produce (for validating a paradigm's key names).</summary>
    public static IReadOnlySet<string> All => AllNames;

    /// <summary>The name of an SDL keycode, or <see cref="Unknown"/>. Allocation-free.</summary>
    public static string FromKeycode(int keycode)
    {
        if ((uint)keycode < 128u) return Ascii[keycode] ?? Unknown;
        if ((keycode & Sdl.KeycodeScancodeMask) != 0)
        {
            int scancode = keycode & ~Sdl.KeycodeScancodeMask;
            if ((uint)scancode < (uint)ByScancode.Length) return ByScancode[scancode] ?? Unknown;
        }
        return Unknown;
    }

    /// <summary>The name of an SDL mouse button (1 left, 2 middle, 3 right, 4–5 extra), or <see cref="Unknown"/>.</summary>
    public static string FromMouseButton(int button) => (uint)button < (uint)Mouse.Length ? Mouse[button] : Unknown;
}
