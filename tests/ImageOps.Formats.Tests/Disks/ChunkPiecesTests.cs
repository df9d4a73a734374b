using System;
using ImageOps.Formats.Disks;

namespace ImageOps.Formats.Tests.Disks;

public class ChunkPiecesTests
{
    private const int K64 = 64 * 1024;

    [Theory]
    [InlineData(512, K64)]
    [InlineData(1 << 20, K64)]
    [InlineData(4 << 20, K64)]
    [InlineData((4 << 20) + 1, 2 * K64)]
    [InlineData(64 << 20, 1 << 20)]
    public void Sixty_four_pieces_cover_any_chunk(int chunk, int piece)
        => Assert.Equal(piece, ChunkPieces.PieceSizeFor(chunk));

    [Fact]
    public void Scan_marks_exactly_the_pieces_with_a_non_zero_byte_including_a_short_last_one()
    {
        var chunk = new byte[(3 * K64) + 100];
        chunk[K64 - 1] = 1;
        chunk[(3 * K64) + 99] = 2;
        var pieces = ChunkPieces.Scan(chunk);
        Assert.Equal(K64, pieces.PieceSize);
        Assert.Equal((1UL << 0) | (1UL << 3), pieces.Mask);
        Assert.False(pieces.IsEmpty);
        Assert.True(ChunkPieces.Scan(new byte[1 << 20]).IsEmpty);
    }

    [Fact]
    public void IsZero_answers_from_the_mask_and_scans_only_a_cut_piece()
    {
        var chunk = new byte[4 * K64];
        chunk[K64 + 10] = 7;

        // A mask that lies about piece 1 shows which answers come from the mask alone.
        var lying = new ChunkPieces(K64, 0b0010);
        Assert.True(lying.IsZero(chunk, 0, K64));
        Assert.False(lying.IsZero(chunk, K64, K64));
        Assert.False(lying.IsZero(chunk, 0, 2 * K64));
        Assert.True(lying.IsZero(chunk, K64 + 11, 100));   // cut piece: scanned
        Assert.False(lying.IsZero(chunk, K64 + 10, 1));
        Assert.True(lying.IsZero(chunk, 2 * K64, 2 * K64));
        Assert.True(lying.IsZero(chunk, 5, 0));

        var blank = new ChunkPieces(K64, 0);
        chunk[3 * K64] = 9;
        Assert.True(blank.IsZero(chunk, 3 * K64, 10));     // the mask is trusted: no scan when no piece is set
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(K64 + 1)]
    public void Pieces_are_powers_of_two_of_at_least_64_KiB(int size)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkPieces(size, 0));
}
