using System.Globalization;
using System.Text;
using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Events;
using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Core.Engine;

/// <summary>How the screen on display takes responses.</summary>
internal enum ScreenMode
{
    /// <summary>Takes none (responses are logged as out of window).</summary>
    None,
    /// <summary>Any accepted response ends it.</summary>
    Advance,
    /// <summary>The first accepted response is the choice.</summary>
    Choice,
    /// <summary>Decrease/increase move a cursor; confirm ends it.</summary>
    Rating,
}

/// <summary>Which screen a key press belongs to, and whether it fell in that screen's response window.</summary>
internal readonly record struct ResponseVerdict(
    /// <summary>Pressed before the current screen's onset: it belongs to the screen before.</summary>
    bool ToPrevious,
    /// <summary>The onset its RT counts from, ns; <see cref="EventRecord.None"/> when there was none.</summary>
    long OnsetNs,
    /// <summary>Taken by the screen (logged with code 0), or out of its window (code 1).</summary>
    bool InWindow);

/// <summary>
/// The screen on display and its response window: what it accepts, whether it was answered, a rating's cursor and its
/// history, and the screen before it (a key pressed before an onset belongs there). Allocates nothing per frame.
/// </summary>
internal sealed class ResponseWindow
{
    private const int MaxHistory = 1024;

    private readonly long[] _historyT = new long[MaxHistory];
    private readonly double[] _historyV = new double[MaxHistory];
    private int _historyCount;
    private bool _onsetPending;

    public ScreenMode Mode { get; private set; }
    public SceneSpec Scene { get; private set; }
    /// <summary>What the display draws over the scene (cursor, counter): a field, so it can be passed by reference.</summary>
    public SceneState State = SceneState.Default;
    public string ScreenName { get; private set; } = "";
    public string Condition = "";
    public string? Stimulus;
    /// <summary>The onset of the screen on display, ns; <see cref="EventRecord.None"/> before its first flip.</summary>
    public long OnsetNs { get; private set; } = EventRecord.None;
    public string PreviousScreenName { get; private set; } = "";
    public long PreviousOnsetNs { get; private set; } = EventRecord.None;
    public IReadOnlyList<string> Accepted { get; private set; } = [];
    public RatingSpec? Rating { get; private set; }
    public bool Responded { get; private set; }
    public string? Response { get; private set; }
    public long ResponseNs { get; private set; } = EventRecord.None;

    public ResponseWindow(SceneSpec blank) => Scene = blank;

    /// <summary>The response's time from onset, ns; <see cref="EventRecord.None"/> when unanswered.</summary>
    public long RtNs => Responded ? ResponseNs - OnsetNs : EventRecord.None;

    /// <summary>Puts a screen up for the next flip and opens its window; the one before becomes the previous screen.</summary>
    public void Begin(SceneSpec scene, ScreenMode mode, string screenName, IReadOnlyList<string> accepts, RatingSpec? rating = null, double cursor = double.NaN)
    {
        PreviousScreenName = ScreenName;
        PreviousOnsetNs = OnsetNs;
        Scene = scene;
        Mode = mode;
        ScreenName = screenName;
        Accepted = accepts;
        Rating = rating;
        Responded = false;
        Response = null;
        ResponseNs = EventRecord.None;
        _historyCount = 0;
        _onsetPending = true;
        State = SceneState.Default;
        State.Cursor = cursor;
    }

    /// <summary>
    /// Opens the window again on the screen on display (a game's turn): it takes <paramref name="accepts"/> from now on,
    /// with response times from <paramref name="onsetNs"/>. Allocates nothing.
    /// </summary>
    public void Reopen(ScreenMode mode, IReadOnlyList<string> accepts, long onsetNs)
    {
        Mode = mode;
        Accepted = accepts;
        Responded = false;
        Response = null;
        ResponseNs = EventRecord.None;
        OnsetNs = onsetNs;
    }

    /// <summary>Called after each flip: the first flip after <see cref="Begin"/> is the screen's onset.</summary>
    public void Flipped(long flipNs)
    {
        if (!_onsetPending) return;
        OnsetNs = flipNs;
        _onsetPending = false;
    }

    /// <summary>The onset as logged (the flip that showed the screen); a rating's history starts at its cursor.</summary>
    public void Shown(long flipNs)
    {
        OnsetNs = flipNs;
        if (Mode == ScreenMode.Rating && _historyCount < MaxHistory)
        {
            _historyT[_historyCount] = 0;
            _historyV[_historyCount++] = State.Cursor;
        }
    }

    public bool Accepts(string response)
    {
        var list = Accepted;
        for (int i = 0; i < list.Count; i++) if (list[i] == response) return true;
        return false;
    }

    /// <summary>
    /// Where a key press at <paramref name="timeNs"/> (mapped to <paramref name="response"/>, null for a key of no
    /// response) belongs: before the onset, to the previous screen (out of window); otherwise in the window when the
    /// screen accepts it and is not answered yet, or, on a rating, whenever it is one of the rating's keys.
    /// </summary>
    public ResponseVerdict Judge(string? response, long timeNs)
    {
        bool previous = timeNs < OnsetNs && PreviousOnsetNs != EventRecord.None;
        long onset = previous ? PreviousOnsetNs : OnsetNs;
        bool accepted = response != null && Accepts(response);
        bool inWindow = !previous && accepted && !Responded;
        return new ResponseVerdict(previous, onset, inWindow || (Mode == ScreenMode.Rating && accepted));
    }

    /// <summary>Takes a response: answers the screen, or moves a rating's cursor. True when the cursor moved (redraw).</summary>
    public bool Take(string response, long timeNs)
    {
        switch (Mode)
        {
            case ScreenMode.Advance:
            case ScreenMode.Choice:
                if (Responded || !Accepts(response)) return false;
                Answer(response, timeNs);
                return false;
            case ScreenMode.Rating:
                if (Responded || Rating == null) return false;
                var r = Rating;
                double v = State.Cursor;
                for (int k = 0; k < r.PointResponses.Count; k++)
                {
                    // A point's own button answers it at once: the value is the point's number (1-based), as if confirmed there.
                    if (response != r.PointResponses[k]) continue;
                    State.Cursor = r.Min + k;
                    if (_historyCount < MaxHistory)
                    {
                        _historyT[_historyCount] = timeNs - OnsetNs;
                        _historyV[_historyCount++] = State.Cursor;
                    }
                    Answer(response, timeNs);
                    return true;
                }
                if (response == r.ConfirmResponse)
                {
                    Answer(response, timeNs);
                    return false;
                }
                if (response == r.DecreaseResponse) v = Math.Max(r.Min, v - r.Step);
                else if (response == r.IncreaseResponse) v = Math.Min(r.Max, v + r.Step);
                else return false;
                State.Cursor = v;
                if (_historyCount < MaxHistory)
                {
                    _historyT[_historyCount] = timeNs - OnsetNs;
                    _historyV[_historyCount++] = v;
                }
                return true;
            default:
                return false;
        }
    }

    private void Answer(string response, long timeNs)
    {
        Responded = true;
        Response = response;
        ResponseNs = timeNs;
    }

    /// <summary>The cursor history as "ms:value;ms:value", ms from the rating's onset (allocates: called at screen ends).</summary>
    public string History()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _historyCount; i++)
        {
            if (i > 0) sb.Append(';');
            sb.Append((_historyT[i] / 1_000_000).ToString(CultureInfo.InvariantCulture)).Append(':')
              .Append(_historyV[i].ToString("0.###", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
