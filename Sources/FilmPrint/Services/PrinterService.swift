import DICOM
import Network

/// Answers an N-GET from a fixed set of attributes (PS3.7 §10.1.2): all of them for an empty
/// Attribute Identifier List, else the listed ones; one this SCP does not have is answered 0105
/// (No Such Attribute) with the element named, as DCMTK's print SCP does.
enum NGetAnswer {
    static func answer(_ request: DIMSERequest, from all: DataSet) -> DIMSEResponse {
        let wanted = request.command.attributeIdentifierList
        if wanted.isEmpty { return DIMSEResponse(status: .success, dataSet: all) }
        var out = DataSet()
        if let cs = all[.specificCharacterSet] { out.insert(cs) }
        for tag in wanted {
            guard let e = all[tag] else {
                var r = DIMSEResponse(status: .noSuchAttribute, errorComment: "\(tag) is not an attribute of this SOP class here")
                r.offendingElements = [tag]
                return r
            }
            out.insert(e)
        }
        return DIMSEResponse(status: .success, dataSet: out)
    }
}

/// Printer SOP Class SCP (PS3.4 §H.4.4): N-GET of the printer's status and identity at its
/// well-known instance 1.2.840.10008.5.1.1.17.
public struct PrinterService: DIMSEService {
    let server: PrintServerContext
    public var sopClassUIDs: [String] { [UIDs.printer] }

    public func nGet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        guard request.command.sopInstanceUID == PrintSOPClasses.printerInstance else {
            return PrintSession.noSuchInstance(request.command.sopInstanceUID ?? "")
        }
        var ds = DataSet()
        try? ds.set(.printerStatus, .CS, "NORMAL")
        try? ds.set(.printerStatusInfo, .CS, "NORMAL")
        try? ds.set(.printerName, .LO, server.printer.name)
        try? ds.set(.manufacturer, .LO, "Lightbox")
        try? ds.set(.manufacturerModelName, .LO, "Lightbox virtual film printer")
        try? ds.set(.softwareVersions, .LO, Implementation.versionName)
        return NGetAnswer.answer(request, from: ds)
    }
}

/// Print Job SOP Class SCP (PS3.4 §H.4.6): N-GET of Execution Status, and N-EVENT-REPORT of its
/// changes (PENDING → PRINTING → DONE or FAILURE) to the SCU while the association lasts.
public struct PrintJobService: DIMSEService {
    let server: PrintServerContext
    public var sopClassUIDs: [String] { [UIDs.printJob] }

    public func nGet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        let uid = request.command.sopInstanceUID ?? ""
        guard let entry = server.board.entry(uid) else { return PrintSession.noSuchInstance(uid) }
        var ds = DataSet()
        try? ds.set(.executionStatus, .CS, entry.status.rawValue)
        try? ds.set(.executionStatusInfo, .CS, entry.executionStatusInfo)
        try? ds.set(.printerName, .LO, server.printer.name)
        return NGetAnswer.answer(request, from: ds)
    }
}

/// Printer Configuration Retrieval SOP Class SCP (PS3.4 §H.4.11).
public struct PrinterConfigurationService: DIMSEService {
    let server: PrintServerContext
    public var sopClassUIDs: [String] { [UIDs.printerConfigurationRetrieval] }

    public func nGet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        guard request.command.sopInstanceUID == PrintSOPClasses.printerConfigurationInstance else {
            return PrintSession.noSuchInstance(request.command.sopInstanceUID ?? "")
        }
        var item = DataSet()
        try? item.set(Tag(0x0008, 0x115A), .UI, values: [UIDs.basicGrayscalePrintManagementMeta, UIDs.presentationLUT,
                                                         UIDs.basicAnnotationBox, UIDs.printJob, UIDs.printerConfigurationRetrieval])
        item.set(.memoryBitDepth, uint16: 12)
        item.set(.printingBitDepth, uint16: 12)
        try? item.set(.defaultMagnificationType, .CS, server.printer.filmBoxDefaults.string(.magnificationType) ?? "CUBIC")
        try? item.set(.otherMagnificationTypesAvailable, .CS, values: ["REPLICATE", "BILINEAR", "CUBIC", "NONE"])
        try? item.set(.configurationInformationDescription, .LT, "Lightbox virtual film printer: films as PDF and PNG, calibrated to the PS3.14 GSDF")
        item.set(.minDensity, uint16: UInt16(server.printer.densityRange.lowerBound))
        item.set(.maxDensity, uint16: UInt16(server.printer.densityRange.upperBound))
        var ds = DataSet()
        ds.set(.printerConfigurationSequence, sequence: [item])
        return NGetAnswer.answer(request, from: ds)
    }
}

/// Sends N-EVENT-REPORTs of a print job's status changes on the association that printed it
/// (PS3.4 §H.4.6.1.1: Event Type 1 Pending, 2 Printing, 3 Done, 4 Failure), until DONE or FAILURE
/// or the association ends. Some modalities keep the association open until DONE arrives.
enum PrintJobEvents {
    static func follow(_ jobUID: String, context: AssociationContext, board: PrintJobBoard) {
        guard let requester = context.requester else { return }
        Task {
            var current = PrintJobStatus.pending
            var index = 0
            while index == 0 || (current != .done && current != .failure) {
                let entry = await board.entry(jobUID, at: index)
                index += 1
                current = entry.status
                let type: UInt16 = switch current { case .pending: 1; case .printing: 2; case .done: 3; case .failure: 4 }
                var ds = DataSet()
                try? ds.set(.executionStatusInfo, .CS, entry.executionStatusInfo)
                try? ds.set(.printerName, .LO, "LIGHTBOX")
                do {
                    _ = try await requester.request(.nEventReportRQ(messageID: 0, sopClassUID: UIDs.printJob, sopInstanceUID: jobUID,
                                                                    eventTypeID: type, hasDataSet: true), dataSet: ds, timeout: 30)
                } catch {
                    return // the association ended or the SCU does not take event reports: the job goes on
                }
            }
        }
    }
}
