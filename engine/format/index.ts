export { cellText, NULL_TEXT } from './cell-text.js';
export { consoleBatchText } from './console-text.js';
export { javaDoubleToString, javaFloatToString } from './java-number.js';
export { escapeMetaCharacters, showString, stringHalfWidth } from './show-string.js';
