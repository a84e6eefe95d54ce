#!/usr/bin/env bash
# The browser tests (integration-tests, io.roominvites.it.browser) drive Debian's Chromium through its
# chromedriver. This installs both packages when they are missing and this is root with apt-get; it never
# downloads a browser build. Where they can't be installed, the browser tests report SKIPPED with the reason.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "browser tests: chromium and chromium-driver are not installed and can't be installed here (needs root and apt-get);" \
       "the browser tests will be SKIPPED. Install them with: apt-get install chromium chromium-driver" >&2
  exit 0
fi
echo "Installing Debian's chromium and chromium-driver for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; }; then
  echo "browser tests: apt-get could not install chromium/chromium-driver; the browser tests will be SKIPPED" >&2
fi
exit 0
