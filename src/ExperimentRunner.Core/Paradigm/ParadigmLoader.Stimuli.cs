using System.Globalization;
using ExperimentRunner.Core.Files;

namespace ExperimentRunner.Core.Paradigm;

public static partial class ParadigmLoader
{
    // The stimulus files: the profile table (read row by row), the photos it names, the participant photo and the sounds.
    private sealed partial class Binder
    {
        /// <summary>The stimuli section: the profile table and its photos, the participant photo, the sounds, the caption.</summary>
        private StimuliSection BindStimuli(MapReader top)
        {
            var stim = new MapReader(top.Node("stimuli"), "stimuli", d, _start, "profiles", "participant_photo", "sounds", "caption");
            ProfileTableSpec? profiles = null;
            IReadOnlyList<ProfileInfo> rows = [];
            if (stim.Has("profiles"))
            {
                _profilesDeclared = true;
                var p = new MapReader(stim.Node("profiles"), "stimuli.profiles", d, stim.PosOf("profiles"), "table", "images");
                string? table = ResolvePath(p.Node("table"), "the profile table", mustExist: true, directory: false);
                string? images = p.Has("images") ? ResolvePath(p.Node("images"), "the image folder", mustExist: true, directory: true) : table is null ? null : Path.GetDirectoryName(table);
                if (p.Node("table") == null) d.Error(p.Pos, "stimuli.profiles needs 'table' (a CSV with id and photo, and optionally name, age, bio)");
                if (table != null && images != null)
                {
                    profiles = new ProfileTableSpec(table, images, p.PosOf("table"));
                    rows = ReadProfiles(profiles);
                }
            }
            string? selfPhoto = stim.Has("participant_photo") ? ResolvePath(stim.Node("participant_photo"), "the participant photo", mustExist: true, directory: false) : null;
            if (selfPhoto != null) Opens(StimulusKind.Image, selfPhoto, stim.Node("participant_photo")!.Pos, "the participant photo");
            var sounds = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in stim.Entries("sounds"))
            {
                var resolved = ResolvePath(value, $"sound '{key.Value}'", mustExist: true, directory: false);
                if (resolved != null)
                {
                    if (!resolved.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
                        d.Error(value.Pos, $"sound '{key.Value}' must be a WAV file (.wav)");
                    else Opens(StimulusKind.Sound, resolved, value.Pos, $"sound '{key.Value}'");
                    sounds[key.Value] = resolved;
                }
            }
            string caption = stim.String("caption", "{name}, {age}");
            if (caption.Length > MaxCaptionLength) d.Error(stim.Node("caption")!.Pos, $"the caption is {caption.Length:N0} characters; at most {MaxCaptionLength} (it is one line under a photo)");
            if (stim.Has("caption")) CheckPlaceholders(caption, stim.Node("caption")!.Pos, "the caption");
            return new StimuliSection(profiles, rows, selfPhoto, sounds, caption);
        }

        private sealed record StimuliSection(ProfileTableSpec? Profiles, IReadOnlyList<ProfileInfo> Rows, string? ParticipantPhoto,
            Dictionary<string, string> Sounds, string Caption);

        private List<ProfileInfo> ReadProfiles(ProfileTableSpec spec)
        {
            var result = new List<ProfileInfo>();
            List<string[]> rows;
            try
            {
                rows = Csv.Parse(Csv.DecodeUtf8(_files.ReadAllBytes(spec.TablePath, FileLimits.Table)));
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                d.Error(spec.Pos, $"the profile table {Path.GetFileName(spec.TablePath)} cannot be read: {e.Message}");
                return result;
            }
            if (rows.Count == 0)
            {
                d.Error(spec.Pos, $"the profile table {Path.GetFileName(spec.TablePath)} is empty");
                return result;
            }
            if (rows.Count == 1)
            {
                d.Error(spec.Pos, $"the profile table {Path.GetFileName(spec.TablePath)} has a header but no profiles; add one row per profile");
                return result;
            }
            var header = rows[0].Select(h => h.Trim()).ToArray();
            // name, age and bio are optional columns: a table of faces has only id and photo.
            string[] required = ["id", "photo"];
            var missing = required.Where(c => Array.IndexOf(header, c) < 0).ToList();
            if (missing.Count > 0)
            {
                d.Error(spec.Pos, $"the profile table {Path.GetFileName(spec.TablePath)} lacks column(s) {string.Join(", ", missing)}; it has {string.Join(", ", header)}");
                return result;
            }
            _profileColumns.AddRange(header);
            int iId = Array.IndexOf(header, "id"), iPhoto = Array.IndexOf(header, "photo"), iName = Array.IndexOf(header, "name"),
                iAge = Array.IndexOf(header, "age"), iBio = Array.IndexOf(header, "bio");
            var ids = new HashSet<string>(StringComparer.Ordinal);
            int problems = 0;
            for (int i = 1; i < rows.Count; i++)
            {
                var row = rows[i];
                string where = $"the profile table {Path.GetFileName(spec.TablePath)}, row {i + 1}";
                if (row.Length != header.Length)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where} has {row.Length} fields; the header has {header.Length}");
                    continue;
                }
                string id = row[iId].Trim();
                if (id.Length == 0 || !ids.Add(id))
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: id '{id}' is empty or repeated");
                    continue;
                }
                int age = 0;
                if (iAge >= 0 && (!int.TryParse(row[iAge], NumberStyles.Integer, CultureInfo.InvariantCulture, out age) || age is < 18 or > 120))
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: age '{row[iAge]}' must be a whole number from 18 to 120");
                    continue;
                }
                string name = iName >= 0 ? row[iName].Trim() : "", bio = iBio >= 0 ? row[iBio].Trim() : "";
                if (name.Length > MaxNameLength || bio.Length > MaxBioLength)
                {
                    if (problems++ < 20)
                        d.Error(spec.Pos, name.Length > MaxNameLength
                            ? $"{where}: the name is {name.Length:N0} characters; at most {MaxNameLength}"
                            : $"{where}: the bio is {bio.Length:N0} characters; at most {MaxBioLength:N0} (a card shows a few lines)");
                    continue;
                }
                string photoName = row[iPhoto].Trim();
                if (photoName.Length == 0 || photoName.Contains('\0') || photoName.Length > 1024)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: photo '{photoName}' is not a usable file name");
                    continue;
                }
                var photoCheck = _files.Check(Path.Combine(spec.ImagesFolder, photoName));
                string photo = photoCheck.RealPath;
                if (photoCheck.Refusal == Refusal.Leaves)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: photo '{row[iPhoto]}' leaves {RootsText}");
                    continue;
                }
                if (photoCheck.Refusal == Refusal.Missing)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: photo '{row[iPhoto]}' does not exist in {Path.GetRelativePath(dir, spec.ImagesFolder)}");
                    continue;
                }
                if (!photoCheck.Ok)
                {
                    if (problems++ < 20) d.Error(spec.Pos, $"{where}: photo '{row[iPhoto]}' {photoCheck.Reason(RootsText)}");
                    continue;
                }
                result.Add(new ProfileInfo(id, name, age, bio, photo));
                Opens(StimulusKind.Image, photo, spec.Pos, $"the photo of profile '{id}' in row {i + 1} of {Path.GetFileName(spec.TablePath)}");
            }
            if (problems > 20) d.Error(spec.Pos, $"… and {problems - 20} more problems in the profile table");
            return result;
        }
    }
}
