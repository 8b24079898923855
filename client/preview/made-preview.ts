/**
 * What making one preview came to (issue 21). A preview; UNDECODABLE when these bytes give no
 * picture (the decode threw, the header is not the image its type says, the <video> would not load
 * them or has no picture), which the page reports (POST /api/previews/failed) so that no page
 * downloads the file again to try; or null when none was made this time (aborted, a network
 * failure, signed out, no worker could load, past what this browser decodes): another tab may try.
 * No imports: the image worker's bundle takes it too.
 */
export const UNDECODABLE = "undecodable";
export type MadePreview = Blob | typeof UNDECODABLE | null;
