import { describe, expect, it } from 'vitest';
import { javaDoubleToString, javaFloatToString } from '../../../engine/format/java-number.js';

function doubleOfBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function floatOfBits(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits);
  return view.getFloat32(0);
}

describe('javaDoubleToString', () => {
  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [1, '1.0'],
    [0.1, '0.1'],
    [-1.5, '-1.5'],
    [100, '100.0'],
    [1234567, '1234567.0'],
    [9999999.999, '9999999.999'],
    [1e7, '1.0E7'],
    [12345678, '1.2345678E7'],
    [123456789.123, '1.23456789123E8'],
    [0.001, '0.001'],
    [0.00123, '0.00123'],
    [9.99e-4, '9.99E-4'],
    [1e-5, '1.0E-5'],
    [1e10, '1.0E10'],
    [1e21, '1.0E21'],
    [1e22, '1.0E22'],
    [0.30000000000000004, '0.30000000000000004'],
    [1.7976931348623157e308, '1.7976931348623157E308'],
    [2.2250738585072014e-308, '2.2250738585072014E-308'],
    [4.35, '4.35'],
    [3.0e-44, '3.0E-44'],
    [8.4874e13, '8.4874E13'],
    [577950, '577950.0'],
  ])('%d → %s', (x, text) => {
    expect(javaDoubleToString(x)).toBe(text);
  });

  it('picks the closest two-digit decimal when one digit would do (Double.MIN_VALUE)', () => {
    expect(javaDoubleToString(5e-324)).toBe('4.9E-324');
    expect(javaDoubleToString(-5e-324)).toBe('-4.9E-324');
  });

  it.each([
    ['ba419d350dfe8af7', '-4.446421636188976E-28'],
    ['3cb830e07ba3cd5c', '3.3571652871904716E-16'],
    ['3fa8d1b820559d0f', '0.0484750308485734'],
    ['37e1d557e14749c6', '1.637736583449221E-39'],
    ['d48b10d4e6755cd', '1.1300637139400962E-244'],
    ['7e033cd32c483078', '1.0065063978723842E299'],
    ['a08bf3b273b36aeb', '-6.671203372080136E-152'],
    ['3ef6ed9c140c1551', '2.1866E-5'],
    ['41ed005ac4000000', '3.8925E9'],
  ])('bits %s → %s (as printed by the JVM)', (bits, text) => {
    expect(javaDoubleToString(doubleOfBits(bits))).toBe(text);
  });

  it('follows the JDK 19+ shortest-decimal rule where JDK 17 printed extra digits', () => {
    // JDK 17: 9.999999999999999E22, 1.9999999999999998E23, 2.82879384806159008E17.
    expect(javaDoubleToString(1e23)).toBe('1.0E23');
    expect(javaDoubleToString(2e23)).toBe('2.0E23');
    expect(javaDoubleToString(2.82879384806159e17)).toBe('2.82879384806159E17');
  });
});

describe('javaFloatToString', () => {
  it.each([
    [1.0, '1.0'],
    [0.1, '0.1'],
    [1.1, '1.1'],
    [0.3, '0.3'],
    [3.4028235e38, '3.4028235E38'],
    [1e10, '1.0E10'],
    [1e-5, '1.0E-5'],
    [16777216, '1.6777216E7'],
    [3.14159, '3.14159'],
    [1e7, '1.0E7'],
    [9999999, '9999999.0'],
    [0.001, '0.001'],
    [1.234e-4, '1.234E-4'],
    [-0, '-0.0'],
    [Number.NaN, 'NaN'],
    [6931702.5, '6931702.5'],
    [6.1929587e-4, '6.1929587E-4'],
    [-9.995258e37, '-9.995258E37'],
  ])('%d → %s', (x, text) => {
    expect(javaFloatToString(x)).toBe(text);
  });

  it('prints Float.MIN_VALUE with two digits', () => {
    expect(javaFloatToString(1.4e-45)).toBe('1.4E-45');
  });

  it('breaks exact ties towards the even digit, as Java does', () => {
    // 2097174.25 lies halfway between 2097174.2 and 2097174.3.
    expect(javaFloatToString(floatOfBits(0x4a000059))).toBe('2097174.2');
    expect(javaFloatToString(floatOfBits(0x458fe140))).toBe('4604.1562');
  });
});
