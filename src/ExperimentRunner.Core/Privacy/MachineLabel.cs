using System.Security.Cryptography;
using System.Text;
using ExperimentRunner.Core.Files;

namespace ExperimentRunner.Core.Privacy;

/// <summary>
/// The computer a session ran on, as provenance that names nothing: a host name often names its owner or the site
/// ("janes-laptop"), so a session stores <c>machine-</c> and 8 hex digits of a hash of the host name salted with the
/// machine's own id (/etc/machine-id, readable only on that computer). Two sessions on one computer get the same
/// label; the label cannot be turned back into the name, nor guessed from a list of names elsewhere.
/// </summary>
public static class MachineLabel
{
    public static string Current { get; } = For(Environment.MachineName, MachineId());

    public static string For(string hostName, string salt)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"exrun machine label\n{salt}\n{hostName}"));
        return "machine-" + Convert.ToHexStringLower(hash)[..8];
    }

    private static string MachineId()
    {
        foreach (string path in new[] { "/etc/machine-id", "/var/lib/dbus/machine-id" })
        {
            try
            {
                return Encoding.UTF8.GetString(RegularFile.ReadAllBytes(path, 4096)).Trim();
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return "";
    }
}
