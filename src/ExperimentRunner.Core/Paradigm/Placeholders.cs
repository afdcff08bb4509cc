using System.Globalization;
using System.Text.RegularExpressions;

namespace ExperimentRunner.Core.Paradigm;

/// <summary>
/// The one place that knows the <c>{placeholders}</c> of paradigm texts and image paths: which names exist, where a
/// template names them, and the value each one takes for a shown profile and condition. The loader checks templates
/// against <see cref="Known"/>; <c>SceneFactory</c> fills them with <see cref="Fill"/>. A new placeholder (a trial
/// table's column) is a name in <see cref="Known"/> and a case in <see cref="Value"/>.
/// </summary>
public static partial class Placeholders
{
    /// <summary>The shown profile's fields, for texts, captions and feedback messages.</summary>
    public static readonly string[] ProfileFields = ["name", "age", "id", "bio"];

    /// <summary>The shown profile's photo: for an image part's <c>image</c>.</summary>
    public const string Photo = "photo";

    /// <summary>The trial's condition's feedback message (empty for a condition without one): for parts' texts.</summary>
    public const string Feedback = "feedback";

    /// <summary>Where a placeholder may appear, and so which names it may use.</summary>
    public enum Use { ProfileText, PartText, PartImage }

    /// <summary>The names a template may use in <paramref name="use"/>.</summary>
    public static IReadOnlyList<string> Known(Use use) => use switch
    {
        Use.ProfileText => ProfileFields,
        Use.PartText => [.. ProfileFields, Feedback],
        Use.PartImage => [Photo],
        _ => throw new ArgumentOutOfRangeException(nameof(use)),
    };

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Pattern();

    /// <summary>The placeholder names a template uses, in order.</summary>
    public static IEnumerable<string> Names(string template)
    {
        if (template.IndexOf('{') < 0) yield break;
        foreach (Match m in Pattern().Matches(template)) yield return m.Groups[1].Value;
    }

    /// <summary>
    /// Fills a template for the shown <paramref name="profile"/> (null: profile placeholders stay as typed) and the
    /// trial's condition's <paramref name="feedback"/> message (null: <c>{feedback}</c> stays as typed). An age of 0
    /// (a table without ages) fills as empty.
    /// </summary>
    public static string Fill(string template, ProfileInfo? profile, string? feedback = null)
    {
        if (template.IndexOf('{') < 0) return template;
        return Pattern().Replace(template, m => Value(m.Groups[1].Value, profile, feedback) ?? m.Value);
    }

    private static string? Value(string name, ProfileInfo? p, string? feedback) => name switch
    {
        "name" => p?.Name,
        "age" => p is null ? null : p.Age > 0 ? p.Age.ToString(CultureInfo.InvariantCulture) : "",
        "id" => p?.Id,
        "bio" => p?.Bio,
        Photo => p?.PhotoPath,
        Feedback => feedback,
        _ => null,
    };
}
