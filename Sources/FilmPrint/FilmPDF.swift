import Graphics

/// The PDF of a film: one page of the film's exact size (PS3.3 C.13.8 Film Size ID × Film
/// Orientation), drawn as vector boxes with each image embedded at its own resolution, in the
/// grey levels of the preview display, so the PDF looks like the film on a calibrated screen.
enum FilmPDF {
    static func write(_ plan: FilmPlan, style s: FilmStyle, gray: PreviewMapping, fonts: FontLibrary, to path: String) throws {
        let sheet = plan.sheet
        let pdf = try PDFDocument(path: path, fonts: fonts, title: "Film \(sheet.filmSize.id) \(sheet.displayFormat)", creator: "Lightbox")
        try pdf.addPage(size: plan.layout.page) { c in
            c.fillPage(.gray(gray.gray(s.borderCode)))
            let filled = Set(zip(sheet.images, plan.placements).filter { !$1.outcome.isRejected }.map { $0.0.position })
            for (i, box) in plan.layout.imageBoxes.enumerated() where !filled.contains(i + 1) {
                c.fillRect(box, color: .gray(gray.gray(s.emptyCode)))
            }
            for (img, p) in zip(sheet.images, plan.placements) where !p.outcome.isRejected {
                let lut = try plan.calibration.densityCodes(bits: img.bits, polarity: img.polarity, lut: sheet.presentationLUT)
                let pixels = img.samples.map { gray.value(lut[Int($0)]) }
                let ci = CanvasImage(width: img.columns, height: img.rows, pixels: .gray8(pixels))
                let interpolation: ImageInterpolation = (p.magnification == .replicate || p.magnification == .none) ? .nearest : .smooth
                try c.withClip(rect: p.box) {
                    try c.drawImage(ci, in: p.image, placement: .fill, interpolation: interpolation)
                }
            }
            if sheet.trim {
                // As on the raster: at least one printer pixel wide, just inside the box.
                let t = max(s.trimWidthMM, Size.millimetresPerInch / plan.dpi)
                for box in plan.layout.imageBoxes {
                    c.strokeRect(box.insetBy(t / 2), width: t, color: .gray(gray.gray(s.contrastCode)))
                }
            }
            for a in sheet.annotations where !a.text.isEmpty {
                let box = plan.layout.annotationBoxes[a.position - 1]
                try c.drawText(a.text, in: box.insetBy(min(1, box.height / 10)), style: s.textStyle(color: .gray(gray.gray(s.contrastCode))),
                               alignment: .center, fit: .shrink(minimumSize: 5))
            }
        }
        try pdf.finish()
    }
}
