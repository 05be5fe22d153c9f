using System.Text;
using System.Text.RegularExpressions;

namespace ShuffleNet.Architecture.Tests;

/// <summary>
/// One C# file as the dependency checks see it: its namespace (file-scoped or block) and its code with comments and
/// string and character literals blanked out, so that only code can name a namespace.
/// </summary>
internal sealed partial record SourceFile(string Path, string? Namespace, string Code)
{
    /// <summary>Reads and blanks <paramref name="text"/>; <paramref name="path"/> is what messages name.</summary>
    public static SourceFile Parse(string path, string text)
    {
        var code = BlankCommentsAndStrings(text);
        var ns = NamespaceDecl().Match(code);
        return new SourceFile(path, ns.Success ? ns.Groups[1].Value : null, code);
    }

    /// <summary>The top-level types this file declares (public or internal, any kind).</summary>
    public IEnumerable<string> DeclaredTypes() => TypeDecl().Matches(Code).Select(m => m.Groups[1].Value);

    /// <summary>Comments, strings (regular, verbatim, interpolated, raw) and chars replaced by spaces.</summary>
    internal static string BlankCommentsAndStrings(string t)
    {
        var sb = new StringBuilder(t);
        int i = 0;
        void Blank(int from, int to)
        {
            for (int k = from; k < to && k < sb.Length; k++) if (sb[k] != '\n') sb[k] = ' ';
        }
        while (i < t.Length)
        {
            if (t.AsSpan(i).StartsWith("//"))
            {
                int end = t.IndexOf('\n', i);
                end = end < 0 ? t.Length : end;
                Blank(i, end);
                i = end;
            }
            else if (t.AsSpan(i).StartsWith("/*"))
            {
                int end = t.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? t.Length : end + 2;
                Blank(i, end);
                i = end;
            }
            else if (t.AsSpan(i).StartsWith("\"\"\""))
            {
                int end = t.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                end = end < 0 ? t.Length : end + 3;
                Blank(i, end);
                i = end;
            }
            else if (t[i] == '\'' && i + 2 < t.Length && (t[i + 1] == '\\' || t[i + 2] == '\''))
            {
                int end = t.IndexOf('\'', i + 2);
                end = end < 0 ? t.Length : end + 1;
                Blank(i, end);
                i = end;
            }
            else if (t[i] == '"')
            {
                bool verbatim = i > 0 && t[i - 1] == '@' || i > 1 && (t[i - 2] == '@' && t[i - 1] == '$');
                int j = i + 1;
                while (j < t.Length)
                {
                    if (verbatim && t[j] == '"' && j + 1 < t.Length && t[j + 1] == '"') { j += 2; continue; }
                    if (!verbatim && t[j] == '\\') { j += 2; continue; }
                    if (t[j] == '"') break;
                    j++;
                }
                Blank(i, j + 1);
                i = j + 1;
            }
            else i++;
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDecl();

    [GeneratedRegex(@"^(?:public|internal)\s+(?:(?:static|sealed|abstract|readonly|partial|ref)\s+)*" +
                    @"(?:record\s+struct|record|class|struct|interface|enum|delegate\s+\S+)\s+(\w+)",
                    RegexOptions.Multiline)]
    private static partial Regex TypeDecl();
}
