/// The keys that place a stored instance in the patient → study → series → instance hierarchy
/// (PS3.3 §F.5, PS3.4 §C.6.1.1), read from a file's header only.
public struct InstanceKeys: Sendable, Equatable {
    public var path: String
    public var patientID: String
    public var patientName: String
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var sopInstanceUID: String
    public var sopClassUID: String
    public var transferSyntaxUID: String

    /// Reads only as far as Series Instance UID (0020,000E): every key lives before it, so the
    /// rest of the header and the pixel data are never touched.
    public static func read(path: String) throws -> InstanceKeys {
        let file = try Part10Reader.read(path: path, options: ReadOptions(stopBefore: Tag(0x0020, 0x000F)))
        let ds = file.dataSet
        return InstanceKeys(
            path: path,
            patientID: ds.string(Tag(0x0010, 0x0020)) ?? "",
            patientName: ds.string(Tag(0x0010, 0x0010)) ?? "",
            studyInstanceUID: ds.string(Tag(0x0020, 0x000D)) ?? "",
            seriesInstanceUID: ds.string(Tag(0x0020, 0x000E)) ?? "",
            sopInstanceUID: ds.string(Tag(0x0008, 0x0018)) ?? file.meta.string(Tag(0x0002, 0x0003)) ?? "",
            sopClassUID: ds.string(Tag(0x0008, 0x0016)) ?? file.meta.string(Tag(0x0002, 0x0002)) ?? "",
            transferSyntaxUID: file.transferSyntax.uid)
    }
}
