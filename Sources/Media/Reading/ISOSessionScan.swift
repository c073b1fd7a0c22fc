import CCdio
import Foundation

/// Where the sessions of a multisession medium start, seen from an image or an optical drive.
///
/// xorriso and growisofs grow an image or an overwritable disc by rewriting the Volume Descriptors
/// at block 16 to describe the newest session, so libcdio, reading block 16, already lists the
/// last session. A copy of a multisession CD-R made block by block (`dd`, `readom`) keeps the
/// first session's descriptors at block 16 and each later session's at its start + 16 (ECMA-119
/// §6.2.1, §8.4.8; ECMA-168/ISO 13490 multisession). libcdio's ISO 9660 reader always starts at
/// block 16, so such later sessions are found here and reported rather than silently missed.
enum ISOSessionScan {
    /// Blocks holding a Primary Volume Descriptor after the end of the volume that starts at block
    /// 16 (whose Volume Space Size is read from `pvd`), found by reading the rest of the file.
    static func laterSessionDescriptors(imagePath: String) -> [Int64] {
        let fd = Glibc.open(imagePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return [] }
        if (st.st_mode & S_IFMT) == S_IFBLK { return lastSessionOnDrive(imagePath).map { [$0 + 16] } ?? [] }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return [] }
        var block = [UInt8](repeating: 0, count: 2048)
        guard pread(fd, &block, 2048, 16 * 2048) == 2048, isPrimaryVolumeDescriptor(block) else { return [] }
        let volumeBlocks = Int64(block[80]) | Int64(block[81]) << 8 | Int64(block[82]) << 16 | Int64(block[83]) << 24
        let fileBlocks = Int64(st.st_size) / 2048
        guard fileBlocks > volumeBlocks + 16 else { return [] }
        var found: [Int64] = []
        let chunkBlocks = 512
        var chunk = [UInt8](repeating: 0, count: chunkBlocks * 2048)
        var next = volumeBlocks
        while next < fileBlocks {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, chunkBlocks * 2048, off_t(next * 2048)) }
            guard n >= 2048 else { break }
            for i in 0..<(n / 2048) where chunk[i * 2048 + 1] == 0x43 {
                if isPrimaryVolumeDescriptor(chunk[(i * 2048)..<(i * 2048 + 2048)]) { found.append(next + Int64(i)) }
            }
            next += Int64(n / 2048)
        }
        return found
    }

    /// Type 1, "CD001", version 1 (ECMA-119 §8.4.1–8.4.3).
    static func isPrimaryVolumeDescriptor<C: RandomAccessCollection>(_ b: C) -> Bool where C.Element == UInt8, C.Index == Int {
        let s = b.startIndex
        return b.count >= 7 && b[s] == 1 && b[s + 1] == 0x43 && b[s + 2] == 0x44 && b[s + 3] == 0x30 && b[s + 4] == 0x30
            && b[s + 5] == 0x31 && b[s + 6] == 1
    }

    /// The start of the last session of the disc in an optical drive, from its table of contents
    /// (MMC READ TOC/PMA/ATIP format 1, through libcdio), when it is not 0.
    private static func lastSessionOnDrive(_ device: String) -> Int64? {
        guard let cdio = cdio_open(device, DRIVER_DEVICE) else { return nil }
        defer { cdio_destroy(cdio) }
        var lsn: lsn_t = 0
        guard cdio_get_last_session(cdio, &lsn) == DRIVER_OP_SUCCESS, lsn > 0 else { return nil }
        return Int64(lsn)
    }
}
