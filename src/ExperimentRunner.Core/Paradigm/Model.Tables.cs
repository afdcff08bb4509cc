namespace ExperimentRunner.Core.Paradigm;

/// <summary>
/// A trial table (a conditions file): a CSV whose rows are trials and whose columns screens use by name
/// (<c>{column}</c>). Read once at load through the paradigm's confined files.
/// </summary>
/// <param name="Path">The real path of the CSV.</param>
/// <param name="Name">The file name as the paradigm wrote it (for messages and the plan's <c>row</c> column).</param>
public sealed record TrialTable(string Path, string Name, IReadOnlyList<string> Columns, IReadOnlyList<TableRow> Rows, SourcePos Pos);

/// <summary>One row of a trial table: <see cref="Number"/> is the 1-based data row (the header is row 0).</summary>
public sealed record TableRow(int Number, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// The constraints a block's trial order keeps, over any column of its rows (and <c>condition</c>): at most
/// <see cref="MaxInRow"/> equal values in a row, equal values at least <see cref="MinDistance"/> trials apart (2 = never
/// twice in a row), each row at most once in a run (<see cref="NoRowTwice"/>), and equal counts of each value of the
/// <see cref="Balance"/> columns.
/// </summary>
public sealed record RowConstraints(
    IReadOnlyList<KeyValuePair<string, int>> MaxInRow,
    IReadOnlyList<KeyValuePair<string, int>> MinDistance,
    bool NoRowTwice,
    IReadOnlyList<string> Balance,
    SourcePos Pos)
{
    public static readonly RowConstraints None = new([], [], false, [], default);

    public bool OrdersTrials => MaxInRow.Count > 0 || MinDistance.Count > 0;
}

/// <summary>
/// A series: one screen declaration that the plan repeats <see cref="Count"/> times within a trial, each repeat
/// filled from one of <see cref="Items"/>, drawn balanced (each item equally often) and shuffled with the seed under
/// <see cref="Constraints"/>.
/// </summary>
public sealed record SeriesSpec(int Count, IReadOnlyList<IReadOnlyDictionary<string, string>> Items, RowConstraints Constraints, SourcePos Pos);

public sealed partial record ScreenSpec
{
    /// <summary>The correct response: a response name, or a <c>{column}</c> filled per trial; null when unscored.</summary>
    public string? Correct { get; init; }
    /// <summary>A marker given as <c>{column}</c>, filled per trial (a code 0–255); null when the marker is fixed.</summary>
    public string? MarkerTemplate { get; init; }
    /// <summary>Non-null when this declaration is a series of screens.</summary>
    public SeriesSpec? Series { get; init; }
}

public sealed partial record BlockSpec
{
    /// <summary>The trial table the block draws its trials from; null for a condition or mix block.</summary>
    public TrialTable? Table { get; init; }
    /// <summary>The column whose value is a trial's condition (from <c>condition: "{column}"</c>, or a column named 'condition').</summary>
    public string? ConditionColumn { get; init; }
    public RowConstraints Constraints { get; init; } = RowConstraints.None;
}

public sealed partial record ConditionSpec
{
    /// <summary>Screen content this condition brings to its trials in a mixed block: <c>{column}</c> values by name.</summary>
    public IReadOnlyDictionary<string, string> Columns { get; init; } = new Dictionary<string, string>();
}

public sealed partial record RatingSpec
{
    /// <summary>
    /// Likert only: response k (1-based) answers point k at once (the value k); empty when only the cursor answers.
    /// </summary>
    public IReadOnlyList<string> PointResponses { get; init; } = [];
}

public sealed partial record ParadigmModel
{
    /// <summary>Image paths written with <c>{column}</c>, as filled from each row, to their real paths (checked at load).</summary>
    public IReadOnlyDictionary<string, string> TableImages { get; init; } = new Dictionary<string, string>();
}
