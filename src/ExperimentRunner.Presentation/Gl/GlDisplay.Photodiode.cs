using ExperimentRunner.Core.Devices;
using ExperimentRunner.Core.Paradigm;
using ExperimentRunner.Presentation.Composition;

namespace ExperimentRunner.Presentation.Gl;

// The photodiode patch (issue 18): a square in a corner, drawn over everything on every flip while the style has one
// on, black until the first marked screen's onset and changing colour at each one after that.
public sealed partial class GlDisplay
{
    private SceneSpec? _patchScene;
    private bool _patchLight;
    private int _patchState; // 0 not looked at yet, 1 off, 2 on
    private uint _patchMarks; // bit k: a screen of SceneKind k turns the patch over
    private PixelRect _patchRect;

    /// <summary>
    /// The patch's square in pixels of the composed screen (<see cref="Size"/>), or <see cref="PixelRect.Empty"/> when
    /// there is none: what a damage tracker adds to each flip's region, since the patch is drawn on every flip.
    /// </summary>
    public PixelRect PhotodiodeRect => PatchOn ? _patchRect : PixelRect.Empty;

    /// <summary>True while the patch is white (light); false while black.</summary>
    public bool PhotodiodeLight => _patchLight;

    /// <summary>
    /// Sets the patch's colour for the next flips, whatever the screens do (<c>timing-test</c>'s flashes). Needs a
    /// style with an enabled patch; allocation-free.
    /// </summary>
    public void SetPhotodiodeLight(bool light) => _patchLight = light;

    private bool PatchOn
    {
        get
        {
            if (_patchState == 0) InitPatch();
            return _patchState == 2;
        }
    }

    private void InitPatch()
    {
        var patch = Style.Photodiode;
        if (patch is not { Enabled: true })
        {
            _patchState = 1;
            return;
        }
        // No allocation here: the first Show of a session may be the first look.
        for (int k = 0; k < 32; k++)
            if (Enum.IsDefined((SceneKind)k) && patch.Marks((SceneKind)k)) _patchMarks |= 1u << k;
        (int x, int y, int side) = patch.Rect(Size.Width, Size.Height);
        _patchRect = new PixelRect(x, y, side, side);
        _patchState = 2;
    }

    /// <summary>Called by <see cref="Show"/>: a different screen of a marked kind is an onset, and turns the patch over.</summary>
    private void NotePhotodiodeOnset(SceneSpec scene)
    {
        if (ReferenceEquals(scene, _patchScene) || !PatchOn) return;
        _patchScene = scene;
        int kind = (int)scene.Kind;
        if (kind is >= 0 and < 32 && (_patchMarks & (1u << kind)) != 0) _patchLight = !_patchLight;
    }

    /// <summary>Draws the patch over the frame just drawn; nothing when it is off. Allocation-free.</summary>
    private void DrawPhotodiodePatch()
    {
        if (!PatchOn) return;
        float c = _patchLight ? 1f : 0f;
        var r = _patchRect;
        Sprite(_atlas.White, r.X, r.Y, r.Width, r.Height, c, c, c, 1);
    }
}
