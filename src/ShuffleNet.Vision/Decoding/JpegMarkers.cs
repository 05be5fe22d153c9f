namespace ShuffleNet.Vision.Decoding;

/// <summary>Walks a JPEG's marker segments without decoding (microseconds: a vectorised search for 0xFF).</summary>
internal static class JpegMarkers
{
    /// <summary>
    /// True when the stream reaches its end-of-image marker. A region decode reads only the rows it needs, so
    /// without this a truncated file would pass or fail depending on where the random crop fell; with it the
    /// file fails every time, as a full decode (and Pillow) does.
    /// </summary>
    public static bool ReachesEndOfImage(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return false;
        int i = 2;
        while (true)
        {
            // Markers may be preceded by any number of 0xFF fill bytes.
            while (i < jpeg.Length && jpeg[i] != 0xFF) i++;
            while (i < jpeg.Length && jpeg[i] == 0xFF) i++;
            if (i >= jpeg.Length) return false;
            byte marker = jpeg[i++];
            if (marker == 0xD9) return true;                          // EOI
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue;   // TEM, RSTn: no length
            if (i + 2 > jpeg.Length) return false;
            int length = (jpeg[i] << 8) | jpeg[i + 1];
            if (length < 2) return false;
            i += length;
            if (i > jpeg.Length) return false;
            if (marker != 0xDA) continue;                             // not SOS: the next marker follows
            // Entropy-coded data: 0xFF is stuffed as FF 00, restart markers are FF D0-D7; anything else ends the scan.
            while (true)
            {
                int ff = jpeg[i..].IndexOf((byte)0xFF);
                if (ff < 0) return false;
                i += ff;
                int next = i + 1;
                while (next < jpeg.Length && jpeg[next] == 0xFF) next++;
                if (next >= jpeg.Length) return false;
                byte b = jpeg[next];
                if (b == 0x00 || b is >= 0xD0 and <= 0xD7) { i = next + 1; continue; }
                i = next - 1;   // at the 0xFF before the marker: the outer loop reads it
                break;
            }
        }
    }
}
