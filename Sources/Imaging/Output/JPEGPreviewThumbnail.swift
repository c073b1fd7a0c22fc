/// Scale-to-fit for previews and thumbnails (IHE PDI web pages), on top of `Resampler`
/// (area averaging when shrinking, bilinear when enlarging).
extension Resampler {
    /// The largest size with the aspect ratio of `width × height` that fits in
    /// `maxWidth × maxHeight`; never below 1 pixel a side. With `allowEnlarging` false (the
    /// default) an image that already fits keeps its size.
    public static func sizeToFit(width: Int, height: Int, maxWidth: Int, maxHeight: Int,
                                 allowEnlarging: Bool = false) -> (width: Int, height: Int) {
        guard width > 0, height > 0, maxWidth > 0, maxHeight > 0 else { return (max(width, 1), max(height, 1)) }
        if !allowEnlarging && width <= maxWidth && height <= maxHeight { return (width, height) }
        let scale = min(Double(maxWidth) / Double(width), Double(maxHeight) / Double(height))
        let w = min(maxWidth, max(1, Int((Double(width) * scale).rounded())))
        let h = min(maxHeight, max(1, Int((Double(height) * scale).rounded())))
        return (w, h)
    }

    /// `image` scaled to fit in `maxWidth × maxHeight` keeping its aspect ratio.
    public static func scaleToFit(_ image: RenderedImage, maxWidth: Int, maxHeight: Int,
                                  allowEnlarging: Bool = false) -> RenderedImage {
        guard image.width > 0, image.height > 0 else { return image }
        let s = sizeToFit(width: image.width, height: image.height, maxWidth: maxWidth, maxHeight: maxHeight,
                          allowEnlarging: allowEnlarging)
        return resize(image, width: s.width, height: s.height)
    }

    /// A thumbnail of at most `maxSide × maxSide` pixels (never enlarged).
    public static func thumbnail(_ image: RenderedImage, maxSide: Int) -> RenderedImage {
        scaleToFit(image, maxWidth: max(maxSide, 1), maxHeight: max(maxSide, 1))
    }
}
