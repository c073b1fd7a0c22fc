#!/usr/bin/env bash
# Installs what Lightbox needs to build and test, and only what is missing:
#   - Debian packages: C libraries and the reference tools the conformance tests drive;
#   - a Python venv under .build/venv with pydicom, pynetdicom and pydicom-data (the test corpus);
#   - links to the corpus under .build/corpus/.
# Safe to run repeatedly; it does nothing when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Libraries (DEVELOPERS.md "Dependencies")
  zlib1g-dev libjpeg62-turbo-dev libturbojpeg0-dev libopenjp2-7-dev libopenjph-dev libcharls-dev libgdcm-dev
  libcairo2-dev libisoburn-dev libiso9660-dev libcdio-dev libudf-dev pkg-config
  # Oracles nobody here wrote
  dcmtk dicom3tools xorriso genisoimage udftools udfclient libcdio-utils poppler-utils chromium orthanc
  # 7-Zip (7zz) lists and extracts UDF 2.50/2.60 images (#19)
  7zip
  # The second browser the on-disc viewer is driven in (WebDriver BiDi, no geckodriver needed; #20)
  firefox-esr
  # Fonts (Latin and CJK), found through fontconfig
  fonts-dejavu-core fonts-wqy-microhei fontconfig
  # Benchmarks and tooling
  hyperfine python3-venv
  # JPEG 2000 and HTJ2K encoders for test and bench files (OpenJPEG 2.5.0 cannot encode HTJ2K; OpenJPH can)
  libopenjp2-tools openjph-tools
  # Every other program the tests run (read from Oracles.require, runCommand, Process and the
  # scripts): openssl makes the TLS test certificates and is the TLS client of the BCP 195 test;
  # libjpeg-tools (`jpeg`) writes lossless JPEG with restart intervals; mount/umount (tmpfs for
  # full-disk tests), timeout and sha256sum (coreutils), sh (dash) and python3 (XML checks) are
  # usually present, but are named so that a minimal system gets them too; strace shows the
  # store-server's fsync/rename order; djpeg (libjpeg-turbo-progs) decodes import previews; /usr/bin/time
  # (time) measures peak memory in make bench
  openssl libjpeg-tools mount coreutils dash python3 strace libjpeg-turbo-progs time
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python venv with the pinned oracles and test corpus (MIT-licensed wheels, fetched, never committed).
# Every package is pinned, the decoders included: a new plugin version could change what the
# conformance tests compare against.
VENV=.build/venv
PY_PACKAGES=(pydicom==3.0.2 pydicom-data==1.0.0 pynetdicom==3.0.4 numpy==2.4.6 pylibjpeg==2.1.0 pylibjpeg-libjpeg==2.5.0
             pylibjpeg-openjpeg==2.6.0 pylibjpeg-rle==2.2.0 python-gdcm==3.2.6)
STAMP="$VENV/.lightbox-$(printf '%s\n' "${PY_PACKAGES[@]}" | md5sum | cut -c1-8)"
if [ ! -f "$STAMP" ]; then
  echo "install-deps: setting up $VENV (${PY_PACKAGES[*]})"
  mkdir -p .build
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PY_PACKAGES[@]}"
  touch "$STAMP"
fi

# The corpus, linked where the tests look for it.
SITE=$("$VENV/bin/python" -c 'import pydicom, os; print(os.path.dirname(os.path.dirname(pydicom.__file__)))')
mkdir -p .build/corpus
ln -sfn "$SITE/pydicom/data/test_files" .build/corpus/pydicom
ln -sfn "$SITE/pydicom/data/charset_files" .build/corpus/charset
ln -sfn "$SITE/data_store/data" .build/corpus/pydicom-data
