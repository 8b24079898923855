/** Binary byte units, so sizes read as `16 * MIB` rather than `16 * 1024 * 1024`. */
export const KIB = 1024;
export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;
export const TIB = 1024 ** 4;
