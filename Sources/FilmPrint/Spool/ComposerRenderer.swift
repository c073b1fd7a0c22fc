import DICOM
import Graphics

/// Renders a spooled film (a `FilmRecord` data set) with `FilmComposer`: `film-N.pdf` at the
/// film's true size, `film-N.png` with the densities (docs/film-output.md), and
/// `film-N-preview.png` for a screen.
public struct ComposerRenderer: FilmRenderer {
    public let profile: PrinterProfile
    public let catalog: FilmSizeCatalog
    let composer: FilmComposer

    public init(profile: PrinterProfile, catalog: FilmSizeCatalog, display: DisplayCharacteristic = .gsdf()) throws {
        self.profile = profile; self.catalog = catalog
        composer = FilmComposer(profile: profile, fonts: try FontLibrary.shared(), display: display)
    }

    /// The sheet a spooled film describes: the film box's settings, its images, annotations and
    /// Presentation LUT.
    public func sheet(for film: DataSet) throws -> FilmSheet {
        var sheet = try FilmSheet(filmBox: film, profile: profile, catalog: catalog)
        let behavior = DecimateCropBehavior(rawValue: profile.defaultDecimateCropBehavior) ?? .decimate
        for item in film.sequenceItems(.imageBoxContentSequence) where item[.basicGrayscaleImageSequence] != nil {
            sheet.images.append(try FilmImage(imageBox: item, position: item.int(.imageBoxPosition) ?? 1, defaultDecimateCrop: behavior))
        }
        for item in film.sequenceItems(.annotationContentSequence) {
            if let text = item.string(.textString), !text.isEmpty {
                sheet.annotations.append(FilmAnnotation(position: item.int(.annotationPosition) ?? 1, text: text))
            }
        }
        if let lut = film.sequenceItems(.presentationLUTContentSequence).first, let l = try FilmPresentationLUT(dataSet: lut) {
            sheet.presentationLUT = l
        }
        return sheet
    }

    public func render(film: DataSet, index: Int, job: PrintJob, into folder: String) throws -> [String] {
        let base = folder + "/film-\(index)"
        let outputs = FilmComposer.Outputs(pdf: base + ".pdf", densityPNG: base + ".png", previewPNG: base + "-preview.png")
        _ = try composer.compose(try sheet(for: film), to: outputs)
        return [outputs.pdf, outputs.densityPNG, outputs.previewPNG].compactMap { $0 }
    }
}
