using System.Buffers.Binary;
using System.Text;

namespace ShuffleNet.Platform;

/// <summary>
/// Reads and edits the version requirements (<c>.gnu.version_r</c>) of a 64-bit little-endian ELF shared
/// library. Used for one fix: TorchSharp's <c>libLibTorchSharp.so</c> asks libstdc++ for
/// <c>GLIBCXX_3.4.32</c> only for <c>std::ios_base_library_init</c>, a link-time marker that is never
/// called; Debian 12's libstdc++ stops at 3.4.30, so the loader refuses the file. Marking that one
/// requirement weak (<c>VER_FLG_WEAK</c>) makes the dynamic loader accept it. Clearing the symbol's version
/// (patchelf) is not enough: the requirement entry itself is what the loader checks.
/// </summary>
public static class ElfVersionNeeds
{
    /// <summary><c>VER_FLG_WEAK</c> from elf.h: a missing version is a warning, not an error.</summary>
    public const ushort WeakFlag = 0x2;

    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>
    /// One required version: the library it is needed from, its name and flags, and where its flags live in the file.
    /// </summary>
    public readonly record struct Requirement(string File, string Version, ushort Flags, long FlagsOffset);

    /// <summary>Lists every version requirement of the ELF image in <paramref name="elf"/>.</summary>
    /// <exception cref="InvalidDataException">Not a 64-bit little-endian ELF, or a malformed section table.</exception>
    public static IReadOnlyList<Requirement> Read(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF files are " +
            "supported");
        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3a), shnum = U16(elf, 0x3c);
        var result = new List<Requirement>();
        for (int i = 0; i < shnum; i++)
        {
            var sh = Slice(elf, shoff + (long)i * shentsize, 64);
            if (U32(sh, 4) != ShtGnuVerneed) continue;
            long offset = (long)U64(sh, 0x18);
            uint link = U32(sh, 0x28), count = U32(sh, 0x2c); // sh_link: the string table; sh_info: entry count
            var strtab = Slice(elf, shoff + (long)link * shentsize, 64);
            long strOffset = (long)U64(strtab, 0x18);
            long need = offset;
            for (uint n = 0; n < count; n++)
            {
                var vn = Slice(elf, need, 16);
                string file = CString(elf, strOffset + U32(vn, 4));
                long aux = need + U32(vn, 8);
                for (int a = 0; a < U16(vn, 2); a++)
                {
                    var vna = Slice(elf, aux, 16);
                    result.Add(new Requirement(file, CString(elf, strOffset + U32(vna, 8)), U16(vna, 4), aux + 4));
                    aux += U32(vna, 12);
                }
                need += U32(vn, 12);
            }
        }
        return result;
    }

    /// <summary>
    /// Sets <see cref="WeakFlag"/> on the requirement of <paramref name="version"/> in <paramref name="elf"/>.
    /// Returns false when the image has no such requirement or it already is weak.
    /// </summary>
    public static bool MarkWeak(Span<byte> elf, string version)
    {
        bool changed = false;
        foreach (var r in Read(elf))
        {
            if (r.Version != version || (r.Flags & WeakFlag) != 0) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(elf.Slice(checked((int)r.FlagsOffset), 2),
                (ushort)(r.Flags | WeakFlag));
            changed = true;
        }
        return changed;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> b, long offset, int length) =>
        offset < 0 || offset + length > b.Length ? throw new InvalidDataException("ELF structure points outside the " +
            "file") : b.Slice((int)offset, length);

    private static string CString(ReadOnlySpan<byte> b, long offset)
    {
        var rest = Slice(b, offset, 1).Length == 1 ? b[(int)offset..] : default;
        int end = rest.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? rest : rest[..end]);
    }

    private static ushort U16(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt16LittleEndian(b[o..]);
    private static uint U32(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt32LittleEndian(b[o..]);
    private static ulong U64(ReadOnlySpan<byte> b, int o) => BinaryPrimitives.ReadUInt64LittleEndian(b[o..]);
}
