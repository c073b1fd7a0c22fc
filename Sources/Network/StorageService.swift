import DICOM
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Storage Service Class as SCP, PS3.4 Annex B, into an inbox folder.
///
/// Accepts every storage SOP class of PS3.6 in any transfer syntax Lightbox knows, preferring to
/// keep what the sender has (encapsulated syntaxes first, so nothing is recompressed). Each data
/// set is streamed to a hidden temporary file behind a Part 10 header built from the command and
/// the presentation context, then renamed to `<SOP Instance UID>.dcm` when complete, so the inbox
/// never shows a partial file. Every stored object appends a line to `receipts.log`.
public struct StorageService: DIMSEService {
    public let inbox: String
    /// fsync each file before renaming it, and the inbox folder after, so an object answered
    /// Success survives a power cut.
    public var durable: Bool

    public init(inbox: String, durable: Bool = false) throws {
        self.inbox = inbox
        self.durable = durable
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
    }

    /// Every storage SOP class in the UID registry (PS3.4 §B.5), without Storage Commitment.
    public static let storageSOPClassUIDs: [String] = UIDRegistry.allEntries.filter {
        $0.type == "SOP Class" && $0.name.contains("Storage") && !$0.name.contains("Commitment")
            && !$0.name.contains("Storage SOP Class Query")
    }.map(\.uid)

    /// Encapsulated syntaxes first (kept as sent), then the uncompressed ones.
    public static let acceptedTransferSyntaxes: [String] = {
        let encapsulated = TransferSyntax.known.filter { $0.isEncapsulated }.map(\.uid)
        return encapsulated + [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid,
                               TransferSyntax.deflatedExplicitVRLittleEndian.uid, TransferSyntax.explicitVRBigEndian.uid]
    }()

    public var sopClassUIDs: [String] { Self.storageSOPClassUIDs }
    public var transferSyntaxes: [String]? { Self.acceptedTransferSyntaxes }
    public var failureStatus: DIMSEStatus { .outOfResources }
    /// A rename and one appended line, next to the data set writes the event loop already does;
    /// with `durable` the fsync may stall, so it runs off the loop.
    public var execution: DIMSEServiceExecution { durable ? .concurrent : .eventLoop }

    public func dataSetDestination(for command: DIMSECommand, transferSyntax: TransferSyntax,
                                   context: AssociationContext) throws -> DataSetDestination {
        .file(directory: inbox, header: Self.part10Header(sopClassUID: command.affectedSOPClassUID ?? "",
                                                          sopInstanceUID: command.affectedSOPInstanceUID ?? "",
                                                          transferSyntax: transferSyntax, sourceAETitle: context.callingAETitle))
    }

    /// Preamble, "DICM" and File Meta Information (PS3.10 §7.1) for a data set received over the network.
    public static func part10Header(sopClassUID: String, sopInstanceUID: String, transferSyntax: TransferSyntax,
                                    sourceAETitle: String) -> [UInt8] {
        var meta = DataSet()
        func set(_ element: UInt16, _ vr: VR, _ value: String) {
            var b = Array(value.utf8)
            if b.count & 1 == 1 { b.append(vr == .UI ? 0 : 0x20) }
            meta.insert(DataElement(tag: Tag(0x0002, element), vr: vr, value: .bytes(b)))
        }
        set(0x0002, .UI, sopClassUID)
        set(0x0003, .UI, sopInstanceUID)
        if !sourceAETitle.isEmpty { set(0x0016, .AE, sourceAETitle) }
        // The header alone: encode as a non-deflated syntax with the same UID, so no data set bytes follow.
        let headerSyntax = TransferSyntax(uid: transferSyntax.uid, isExplicitVR: true, isBigEndian: false, isDeflated: false,
                                          isEncapsulated: transferSyntax.isEncapsulated)
        let file = DICOMFile(meta: meta, dataSet: DataSet(), transferSyntax: headerSyntax)
        return (try? Part10Writer.encode(file, as: headerSyntax)) ?? []
    }

    public func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        try store(request, context: context)
    }

    /// Without `durable`, storing is a rename and one appended line: done at once on the event loop.
    public func immediateResponse(to request: DIMSERequest, context: AssociationContext) throws -> DIMSEResponse? {
        durable ? nil : try store(request, context: context)
    }

    private func store(_ request: DIMSERequest, context: AssociationContext) throws -> DIMSEResponse {
        guard request.command.field == .cStoreRQ else {
            return DIMSEResponse(status: .unrecognizedOperation, errorComment: "the inbox only accepts C-STORE")
        }
        guard case .file(let temp, _, let length)? = request.dataSet else {
            throw DIMSEServiceError(.cannotUnderstand, "no data set")
        }
        let uid = request.command.affectedSOPInstanceUID ?? ""
        let safe = String(uid.unicodeScalars.map { ("0"..."9").contains($0) || $0 == "." ? Character($0) : "_" })
        let name = (safe.isEmpty ? "object-\(UInt32.random(in: 0 ... .max))" : safe) + ".dcm"
        let final = inbox + "/" + name
        do {
            try DurableRename.commit(temp, to: final, durable: durable)
        } catch {
            throw DIMSEServiceError(.outOfResources, "cannot store \(name): \(error)")
        }
        appendReceipt([Self.utcTimestamp(), context.callingAETitle, context.peerAddress,
                       request.command.affectedSOPClassUID ?? "", uid, request.transferSyntax.uid, String(length), name])
        return .success
    }

    /// Now as ISO 8601 UTC ("2024-05-01T12:00:00Z"), the form ISO8601DateFormatter writes, without
    /// building a formatter (ICU) for every object received.
    public static func utcTimestamp(_ t: time_t = time(nil)) -> String {
        var t = t, parts = tm()
        gmtime_r(&t, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func appendReceipt(_ fields: [String]) {
        let line = Array((fields.joined(separator: "\t") + "\n").utf8)
        let fd = open(inbox + "/receipts.log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
