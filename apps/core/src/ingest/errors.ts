/**
 * The file cannot be read as a telemetry CSV at all (empty, binary, no usable header...). It is
 * permanent: retrying cannot help, so the file is marked failed and moved aside with this message.
 */
export class FileFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileFormatError';
  }
}

/** The file vanished or changed while it was read: worth another try later. */
export class FileUnstableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileUnstableError';
  }
}
