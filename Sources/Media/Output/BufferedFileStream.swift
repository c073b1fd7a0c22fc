import CIsoburn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A libisofs content stream (`IsoStream`, libisofs.h "struct IsoStream_Iface") that reads its
/// file in 1 MiB pieces.
///
/// libisofs's own local-file streams are read 2 KiB (one block) at a time, one `read` system call
/// each: half a million calls for a DVD image, most of the time `lightbox burn` spent writing one.
/// This stream serves those 2 KiB requests from a buffer refilled by large reads. It identifies
/// itself like a local file (file system, device and inode), so libisofs still stores hard-linked
/// files once.
enum BufferedFileStream {
    /// Bytes read from the file per system call.
    static let bufferSize = 1 << 20

    /// A new stream (one reference, which `iso_image_add_new_file` takes over) for the regular file
    /// at `path`, with the `stat` it was sized by; nil if it cannot be allocated.
    static func make(path: String, status: stat) -> UnsafeMutablePointer<IsoStream>? {
        guard let stream = malloc(MemoryLayout<IsoStream>.size)?.bindMemory(to: IsoStream.self, capacity: 1) else { return nil }
        let state = State(path: path, size: Int64(status.st_size), device: status.st_dev, inode: status.st_ino)
        stream.initialize(to: IsoStream(class: streamClass, refcount: 1, data: Unmanaged.passRetained(state).toOpaque()))
        return stream
    }

    /// What one stream knows: its file, and the buffer while it is open.
    final class State {
        let path: String
        let size: Int64
        let device: dev_t
        let inode: ino_t
        var fd: Int32 = -1
        var buffer: UnsafeMutableRawPointer?
        var filled = 0
        var position = 0
        var atEnd = false

        init(path: String, size: Int64, device: dev_t, inode: ino_t) {
            self.path = path; self.size = size; self.device = device; self.inode = inode
        }

        func open() -> Int32 {
            if fd >= 0 { return Int32(bitPattern: ISO_FILE_ERROR) }  // already open
            fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return Int32(bitPattern: errno == EACCES ? ISO_FILE_ACCESS_DENIED : ISO_FILE_ERROR) }
            buffer = UnsafeMutableRawPointer.allocate(byteCount: BufferedFileStream.bufferSize, alignment: 4096)
            filled = 0; position = 0; atEnd = false
            var now = stat()
            guard fstat(fd, &now) == 0 else { return 1 }
            // libisofs.h: 1 success, 2 file larger than expected, 3 smaller (it pads or cuts, and warns).
            return Int64(now.st_size) > size ? 2 : Int64(now.st_size) < size ? 3 : 1
        }

        func close() -> Int32 {
            if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
            buffer?.deallocate(); buffer = nil
            return 1
        }

        /// Fills `count` bytes unless the file ends first (then what there is; 0 after the end).
        func read(into destination: UnsafeMutableRawPointer, count: Int) -> Int32 {
            guard fd >= 0, let buffer else { return Int32(bitPattern: ISO_FILE_ERROR) }
            var copied = 0
            while copied < count {
                if position == filled {
                    if atEnd { break }
                    let n = Glibc.read(fd, buffer, BufferedFileStream.bufferSize)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return Int32(bitPattern: ISO_FILE_READ_ERROR)
                    }
                    if n == 0 { atEnd = true; break }
                    filled = n; position = 0
                }
                let take = min(count - copied, filled - position)
                (destination + copied).copyMemory(from: buffer + position, byteCount: take)
                copied += take; position += take
            }
            return Int32(copied)
        }
    }

    private static func state(_ stream: UnsafeMutablePointer<IsoStream>?) -> State {
        Unmanaged<State>.fromOpaque(stream!.pointee.data).takeUnretainedValue()
    }

    /// The interface, version 0 (libisofs.h: open … free), type "lbfs".
    /// Written once, then only read (by libisofs threads too).
    nonisolated(unsafe) private static let streamClass: UnsafeMutablePointer<IsoStreamIface> = {
        let iface = UnsafeMutablePointer<IsoStreamIface>.allocate(capacity: 1)
        iface.initialize(to: IsoStreamIface(
            version: 0,
            type: (CChar(UInt8(ascii: "l")), CChar(UInt8(ascii: "b")), CChar(UInt8(ascii: "f")), CChar(UInt8(ascii: "s"))),
            open: { BufferedFileStream.state($0).open() },
            close: { BufferedFileStream.state($0).close() },
            get_size: { off_t(BufferedFileStream.state($0).size) },
            read: { stream, buffer, count in
                guard let buffer else { return Int32(bitPattern: ISO_NULL_POINTER) }
                return BufferedFileStream.state(stream).read(into: buffer, count: min(count, Int(Int32.max)))
            },
            is_repeatable: { _ in 1 },
            get_id: { stream, fsID, deviceID, inodeID in
                let s = BufferedFileStream.state(stream)
                fsID?.pointee = 1  // ISO_LOCAL_FS_ID: the same identity libisofs gives a local file
                deviceID?.pointee = s.device
                inodeID?.pointee = s.inode
            },
            free: { stream in
                guard let data = stream?.pointee.data else { return }
                let s = Unmanaged<State>.fromOpaque(data)
                _ = s.takeUnretainedValue().close()
                s.release()
            },
            update_size: nil, get_input_stream: nil, cmp_ino: nil, clone_stream: nil))
        return iface
    }()
}
