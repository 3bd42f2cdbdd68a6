/** Browser and operating system named in a User-Agent string, for the sessions list (best effort). */
export interface DeviceLabel {
  browser: string;
  os: string;
}

/** Checked in order: the first match names it (Edge and Opera say "Chrome" too, Chrome says "Safari"). */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\/\d/, 'Edge'],
  [/\b(?:OPR|Opera)\/\d/, 'Opera'],
  [/\bSamsungBrowser\/\d/, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\/\d/, 'Firefox'],
  [/\b(?:HeadlessChrome|Chrome|CriOS|Chromium)\/\d/, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\/\d/, 'Safari'],
  [/\bcurl\/\d/, 'curl'],
  [/\bnode\b|\bundici\b|\baxios\//i, 'Node.js'],
];
const SYSTEMS: [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

export function deviceLabel(userAgent: string): DeviceLabel {
  const ua = userAgent.slice(0, 512);
  return {
    browser: BROWSERS.find(([re]) => re.test(ua))?.[1] ?? '',
    os: SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? '',
  };
}
