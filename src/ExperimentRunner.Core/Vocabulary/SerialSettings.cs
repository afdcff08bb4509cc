using System.Globalization;

namespace ExperimentRunner.Core.Vocabulary;

/// <summary>The serial-port vocabulary of device specifications: baud rates and trigger bytes.</summary>
public static class SerialSettings
{
    /// <summary>The line speed when a specification names none, in baud (what most trigger boxes use).</summary>
    public const int DefaultBaud = 9600;

    /// <summary>The baud rates a serial device may use (Linux termios has a code for each).</summary>
    public static readonly IReadOnlyList<int> SupportedBauds = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

    /// <summary>The supported rates as a readable list, for messages.</summary>
    public static string SupportedBaudsText => string.Join(", ", SupportedBauds.Select(b => b.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Reads a trigger byte: decimal (<c>53</c>), hex (<c>0x35</c>), a quoted ASCII character (<c>'5'</c>), or
    /// <c>any</c> (null: every byte). Note <c>5</c> is the byte value 5, not the character '5'.
    /// </summary>
    public static bool TryParseByte(string text, out int? value)
    {
        value = null;
        if (text.Equals("any", StringComparison.OrdinalIgnoreCase)) return true;
        if (text.Length == 3 && text[0] == '\'' && text[2] == '\'' && text[1] < 128)
        {
            value = text[1];
            return true;
        }
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int hex) && hex is >= 0 and <= 255)
        {
            value = hex;
            return true;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int dec) && dec <= 255)
        {
            value = dec;
            return true;
        }
        return false;
    }

    internal static int ParseBaud(string spec, string value)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int baud) || !SupportedBauds.Contains(baud))
            throw new DeviceSpecException($"'{spec}': baud rate '{value}' is not supported; use one of {SupportedBaudsText}");
        return baud;
    }
}

/// <summary>The "name=value" settings after a comma in a device specification.</summary>
internal static class SpecSettings
{
    /// <summary>Splits "name=value" (name lower-cased); throws a readable error when there is no '='.</summary>
    internal static (string Name, string Value) Setting(string spec, string part)
    {
        int eq = part.IndexOf('=');
        if (eq <= 0 || eq == part.Length - 1)
            throw new DeviceSpecException($"'{spec}': '{part}' is not a setting; settings look like name=value after a comma");
        return (part[..eq].Trim().ToLowerInvariant(), part[(eq + 1)..].Trim());
    }
}
