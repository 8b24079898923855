/**
 * Leading bytes that make generated test files what their names say. The content check at
 * complete rejects random bytes that happen to look like another format (MP3 frames, say).
 */
export const MP4_FTYP_HEADER = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypmp42"), Buffer.alloc(4), Buffer.from("mp42isom")]);
