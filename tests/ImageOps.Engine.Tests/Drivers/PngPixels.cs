using System;
using System.IO;
using System.IO.Compression;

namespace ImageOps.Engine.Tests.Drivers;

/// <summary>Decodes the 8-bit RGB/RGBA, non-interlaced PNGs Chromium writes (PNG spec: IHDR, IDAT, filters 0-4).</summary>
internal sealed class PngPixels
{
    private readonly byte[] _rgb;

    private PngPixels(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        _rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    public (byte R, byte G, byte B) this[int x, int y] => (_rgb[((y * Width) + x) * 3], _rgb[(((y * Width) + x) * 3) + 1], _rgb[(((y * Width) + x) * 3) + 2]);

    public static PngPixels Read(string path)
    {
        var data = File.ReadAllBytes(path);
        int width = 0, height = 0, colorType = 0;
        using var idat = new MemoryStream();
        for (var p = 8; p + 8 <= data.Length;)
        {
            var length = (data[p] << 24) | (data[p + 1] << 16) | (data[p + 2] << 8) | data[p + 3];
            var type = System.Text.Encoding.ASCII.GetString(data, p + 4, 4);
            if (type == "IHDR")
            {
                width = (data[p + 8] << 24) | (data[p + 9] << 16) | (data[p + 10] << 8) | data[p + 11];
                height = (data[p + 12] << 24) | (data[p + 13] << 16) | (data[p + 14] << 8) | data[p + 15];
                if (data[p + 16] != 8 || data[p + 20] != 0)
                {
                    throw new NotSupportedException("Only 8-bit, non-interlaced PNGs.");
                }

                colorType = data[p + 17];
            }
            else if (type == "IDAT")
            {
                idat.Write(data, p + 8, length);
            }

            p += 12 + length;
        }

        var channels = colorType == 6 ? 4 : colorType == 2 ? 3 : throw new NotSupportedException("Color type " + colorType);
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        var stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var filter = bytes[y * (stride + 1)];
            Buffer.BlockCopy(bytes, (y * (stride + 1)) + 1, current, 0, stride);
            for (var i = 0; i < stride; i++)
            {
                var a = i >= channels ? current[i - channels] : 0;
                var b = previous[i];
                var c = i >= channels ? previous[i - channels] : 0;
                current[i] = (byte)(current[i] + filter switch
                {
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => 0,
                });
            }

            for (var x = 0; x < width; x++)
            {
                Buffer.BlockCopy(current, x * channels, rgb, ((y * width) + x) * 3, 3);
            }

            (previous, current) = (current, previous);
        }

        return new PngPixels(width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
