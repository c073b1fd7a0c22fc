import DICOM
import Foundation
import Imaging
import Network

/// A printed film as a Multi-frame Grayscale Word Secondary Capture Image (PS3.3 A.8.3, SOP Class
/// 1.2.840.10008.5.1.4.1.1.7.3), for an archive (docs/film-output.md):
///
/// - Pixels: the film at the printer's resolution, one pixel per printer pixel, as 12-bit
///   P-Values (PS3.14) — the position of each pixel's density in the film's GSDF range
///   (Min/Max Density, Illumination, Reflected Ambient Light) — MONOCHROME2 with Presentation LUT
///   Shape IDENTITY (PS3.3 C.8.6.3). A GSDF-calibrated display thus shows the film as the light
///   box does, and 12-bit images keep their 4096 levels.
/// - Conversion Type WSD (PS3.3 C.8.6.1). The printer pixel (25.4 / dpi mm) is named in Digital
///   Image Format Acquired only: C.8.6.3 forbids Nominal Scanned Pixel Spacing unless the
///   Conversion Type is DF, SD or SI, and Pixel Spacing would claim distances in the patient.
/// - Burned In Annotation YES (printed images carry their demographics); Laterality empty (unknown).
/// - Patient: Patient Name/ID/Birth Date/Sex when the printed images carried them (a Basic
///   Grayscale Image Box normally holds only pixels, PS3.4 §H.4.3), else empty (Type 2).
/// - One study and one series per print job, one instance per film, all derived from the print
///   job's UID (`identity`), so a film sent twice is the same instance.
/// - Specific Character Set ISO_IR 192 when any text is not ASCII.
public enum FilmSecondaryCapture {
    public static let sopClassUID = UIDs.multiFrameGrayscaleWordSecondaryCaptureImageStorage
    /// Bits Stored of the P-Values.
    public static let bits = 12

    /// Study, series and SOP Instance UIDs of a film.
    public struct Identity: Sendable, Equatable {
        public var study: String
        public var series: String
        public var instance: String
    }

    /// The UIDs of film `record` of a job: name-based UIDs of the job's UID (PS3.5 §B.2,
    /// `UIDGenerator.derivedUID`), new to the world yet the same on every attempt.
    public static func identity(job: PrintJob, record: Int) -> Identity {
        Identity(study: UIDGenerator.derivedUID(from: job.uid, salt: "lightbox film study"),
                 series: UIDGenerator.derivedUID(from: job.uid, salt: "lightbox film series"),
                 instance: UIDGenerator.derivedUID(from: job.uid, salt: "lightbox film \(record)"))
    }

    /// P-Value of `bits` bits per density code, from the film's Min Density code `lo` to its Max
    /// Density code: p = round(f · (2^bits − 1)), f the density's fraction of the film's JND range
    /// (PS3.14 §7.2; Max Density → 0, Min Density → the largest P-Value).
    static func pValueTable(calibration c: DensityCalibration, bits: Int) -> (lo: Int, table: [UInt16]) {
        let minCode = DensityCode.encode(c.minDensity), maxCode = max(DensityCode.encode(c.maxDensity), minCode)
        let top = Double((1 << bits) - 1)
        return (Int(minCode), (Int(minCode) ... Int(maxCode)).map { code in
            let f = c.hardcopy.normalizedJND(opticalDensity: DensityCode.decode(UInt16(code)))
            return UInt16((min(max(f, 0), 1) * top).rounded())
        })
    }

    /// The raster's P-Values as OW bytes (little endian), without an intermediate array: films are large.
    static func pixelData(of raster: DensityRaster, calibration c: DensityCalibration) -> [UInt8] {
        let (lo, table) = pValueTable(calibration: c, bits: bits)
        let last = table.count - 1
        var bytes = [UInt8](repeating: 0, count: raster.codes.count * 2)
        raster.codes.withUnsafeBufferPointer { src in
            table.withUnsafeBufferPointer { t in
                bytes.withUnsafeMutableBufferPointer { dst in
                    for i in 0 ..< src.count {
                        let p = t[min(max(Int(src[i]) - lo, 0), last)]
                        dst[2 * i] = UInt8(p & 0xFF); dst[2 * i + 1] = UInt8(p >> 8)
                    }
                }
            }
        }
        return bytes
    }

    /// The SC data set of a composed film.
    /// - Parameters:
    ///   - composed: the film's plan and density raster (`FilmComposer.render`).
    ///   - film: the spooled film (`FilmRecord`), for patient data of its images and its session label.
    ///   - job: its print job; `rendered` says which film of the job it is.
    public static func make(_ composed: FilmComposer.Rendered, film: DataSet, job: PrintJob, rendered: RenderedFilm,
                            now: Date = Date()) throws -> DataSet {
        let raster = composed.raster, c = composed.plan.calibration
        guard raster.width <= 65535, raster.height <= 65535 else {
            throw FilmPrintError.output(path: "film \(rendered.number)", reason: "\(raster.width) × \(raster.height) pixels exceed the 65535 rows or columns of an image (PS3.3 C.7.6.3); print at a lower Requested Resolution ID")
        }
        let id = identity(job: job, record: rendered.record)
        let patient = patientData(of: film)
        // The job's name is the Film Session Label, decoded with the session's character set.
        let label = film[.filmSessionLabel] != nil ? job.sessionName : ""
        let studyDescription = String((label.isEmpty ? "Printed films" : label).prefix(64))
        let seriesDescription = "Films printed by \(job.callingAETitle)"
        let texts = [patient.name, patient.id, studyDescription, seriesDescription]

        var ds = DataSet()
        if texts.contains(where: { !$0.utf8.allSatisfy { $0 < 0x80 } }) { try ds.set(.specificCharacterSet, .CS, "ISO_IR 192") }
        // SOP Common (C.12.1)
        try ds.set(.sopClassUID, .UI, sopClassUID)
        try ds.set(.sopInstanceUID, .UI, id.instance)
        try ds.set(.instanceCreationDate, .DA, dicomDate(now))
        try ds.set(.instanceCreationTime, .TM, dicomTime(now))
        try ds.set(.timezoneOffsetFromUTC, .SH, "+0000")
        // Patient (C.7.1.1): Type 2
        try ds.set(.patientName, .PN, patient.name)
        try ds.set(.patientID, .LO, patient.id)
        try ds.set(.patientBirthDate, .DA, patient.birthDate)
        try ds.set(.patientSex, .CS, patient.sex)
        // General Study (C.7.2.1): printed = job.created (UTC)
        let printed = job.created  // yyyy-mm-ddThh:mm:ssZ
        let date = String(printed.prefix(10)).replacingOccurrences(of: "-", with: "")
        let time = String(printed.dropFirst(11).prefix(8)).replacingOccurrences(of: ":", with: "")
        try ds.set(.studyInstanceUID, .UI, id.study)
        try ds.set(.studyDate, .DA, date)
        try ds.set(.studyTime, .TM, time)
        try ds.set(.referringPhysicianName, .PN, "")
        try ds.set(.studyID, .SH, "")
        try ds.set(.accessionNumber, .SH, "")
        try ds.set(.studyDescription, .LO, studyDescription)
        // General Series (C.7.3.1)
        try ds.set(.modality, .CS, "OT")
        try ds.set(.seriesInstanceUID, .UI, id.series)
        try ds.set(.seriesNumber, .IS, "1")
        try ds.set(.seriesDescription, .LO, seriesDescription)
        try ds.set(.laterality, .CS, "")   // 2C: the body parts on a film are not known
        // General Equipment (C.7.5.1) and SC Equipment (C.8.6.1)
        try ds.set(.manufacturer, .LO, "Lightbox")
        try ds.set(.softwareVersions, .LO, Implementation.versionName)
        try ds.set(.conversionType, .CS, "WSD")
        try ds.set(.secondaryCaptureDeviceManufacturer, .LO, "Lightbox")
        try ds.set(.secondaryCaptureDeviceManufacturerModelName, .LO, "Lightbox virtual film printer")
        try ds.set(.secondaryCaptureDeviceSoftwareVersions, .LO, Implementation.versionName)
        try ds.set(.digitalImageFormatAcquired, .LO, "film printer raster, \(format(raster.dpi)) dpi (\(format(25.4 / raster.dpi, digits: 5)) mm pixels)")
        // General Image (C.7.6.1)
        try ds.set(.instanceNumber, .IS, "\(rendered.number)")
        try ds.set(.patientOrientation, .CS, "")
        try ds.set(.contentDate, .DA, date)
        try ds.set(.contentTime, .TM, time)
        try ds.set(.imageType, .CS, "DERIVED\\SECONDARY")
        try ds.set(.derivationDescription, .ST, "Film printed through DICOM Basic Grayscale Print Management; pixels are the P-Values (PS3.14) of its optical densities")
        try ds.set(.lossyImageCompression, .CS, "00")
        // Image Pixel (C.7.6.3) with the constraints of A.8.3.4
        ds.set(.samplesPerPixel, uint16: 1)
        try ds.set(.photometricInterpretation, .CS, "MONOCHROME2")
        ds.set(.rows, uint16: UInt16(raster.height))
        ds.set(.columns, uint16: UInt16(raster.width))
        ds.set(.bitsAllocated, uint16: 16)
        ds.set(.bitsStored, uint16: UInt16(bits))
        ds.set(.highBit, uint16: UInt16(bits - 1))
        ds.set(.pixelRepresentation, uint16: 0)
        // Multi-frame (C.7.6.6): one frame; Frame Increment Pointer only for more (C.8.6.3)
        try ds.set(.numberOfFrames, .IS, "1")
        // SC Image (C.8.6.2) and SC Multi-frame Image (C.8.6.3)
        try ds.set(.burnedInAnnotation, .CS, "YES")
        try ds.set(.presentationLUTShape, .CS, "IDENTITY")
        ds.set(.illumination, uint16: UInt16(min(65535, max(0, c.hardcopy.illumination.rounded()))))
        ds.set(.reflectedAmbientLight, uint16: UInt16(min(65535, max(0, c.hardcopy.reflectedAmbientLight.rounded()))))
        try ds.set(.rescaleIntercept, .DS, "0")
        try ds.set(.rescaleSlope, .DS, "1")
        try ds.set(.rescaleType, .LO, "US")
        // VOI LUT (C.11.2): the identity window over the P-Values
        try ds.set(.windowCenter, .DS, "\(1 << (bits - 1))")
        try ds.set(.windowWidth, .DS, "\(1 << bits)")
        ds.insert(DataElement(tag: .pixelData, vr: .OW, bytes: pixelData(of: raster, calibration: c)))
        return ds
    }

    /// Patient Name, ID, Birth Date and Sex of the printed images when they carry them and agree;
    /// empty otherwise (Basic Grayscale Image Boxes hold pixels only, PS3.4 §H.4.3).
    static func patientData(of film: DataSet) -> (name: String, id: String, birthDate: String, sex: String) {
        let images = film.sequenceItems(.imageBoxContentSequence).flatMap { $0.sequenceItems(.basicGrayscaleImageSequence) }
        let found = images.map { i in [i.string(.patientName) ?? "", i.string(.patientID) ?? "", i.string(.patientBirthDate) ?? "", i.string(.patientSex) ?? ""] }
            .filter { $0.contains { !$0.isEmpty } }
        guard let first = found.first, found.allSatisfy({ $0 == first }) else { return ("", "", "", "") }
        return (first[0], first[1], first[2], first[3])
    }

    static func format(_ v: Double, digits: Int = 10) -> String {
        var s = String(format: "%.\(digits)f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return String(s.prefix(16))
    }

    static func dicomDate(_ d: Date) -> String { utc(d, "yyyyMMdd") }
    static func dicomTime(_ d: Date) -> String { utc(d, "HHmmss") }
    private static func utc(_ d: Date, _ format: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = format
        return f.string(from: d)
    }
}
