import ArgumentParser
import Imaging

/// Decoder workarounds shared by `render` and `transcode`, named after DCMTK `dcmdjpeg`'s
/// (`+w6 --workaround-pred6`, `+wc --workaround-cornell`). Truncated streams are always decoded
/// as far as they go, with a warning (what `dcmdjpeg +wi` asks for).
struct DecoderWorkarounds: ParsableArguments {
    @Flag(name: .customLong("workaround-pred6"),
          help: "JPEG lossless 13-16 bit: read predictors 5-7 as the encoder that overflowed them in signed 16-bit arithmetic did (dcmdjpeg +w6).")
    var pred6 = false

    @Flag(name: .customLong("workaround-cornell"),
          help: "JPEG lossless 16 bit: skip the 16 extra bits the Cornell encoder wrote after a difference of 32768 and accept its 17-bit code for it (dcmdjpeg +wc; also tried on its own when a stream has invalid codes).")
    var cornell = false

    var options: DecodingOptions {
        DecodingOptions(jpegLossless: JPEGLosslessOptions(predictor6Overflow: pred6, cornellHuffman: cornell))
    }
}
