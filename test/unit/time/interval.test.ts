import { describe, expect, it } from 'vitest';
import { AnalysisError, IllegalArgumentError, type KindlingError } from '../../../engine/errors/errors.js';
import {
  delayMillis,
  fromIntervalString,
  parseIntervalMicros,
  stringToInterval,
  triggerIntervalMillis,
  windowDurationMicros,
} from '../../../engine/types/interval.js';

const S = 1_000_000;

function thrown(f: () => unknown): KindlingError {
  try {
    f();
  } catch (e) {
    return e as KindlingError;
  }
  throw new Error('expected an error');
}

const FORMAT_MAIN =
  'Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format.';

describe('stringToInterval (Spark 4.3.0 results)', () => {
  it.each([
    ['10 seconds', 0, 0, 10 * S],
    ['  10 SECONDS  ', 0, 0, 10 * S],
    ['interval 10 seconds', 0, 0, 10 * S],
    ['1 hour 30 minutes', 0, 0, 5400 * S],
    ['1 hour -30 minutes', 0, 0, 1800 * S],
    ['- 5 seconds', 0, 0, -5 * S],
    ['+5 seconds', 0, 0, 5 * S],
    ['1.5 seconds', 0, 0, 1.5 * S],
    ['-1.5 seconds', 0, 0, -1.5 * S],
    ['.5 seconds', 0, 0, 0.5 * S],
    ['-. seconds', 0, 0, 0],
    ['1. seconds', 0, 0, S],
    ['1.000000001 seconds', 0, 0, S],
    ['0.000001 seconds', 0, 0, 1],
    ['500 milliseconds', 0, 0, 500_000],
    ['5 millisecond 5 microsecond', 0, 0, 5005],
    ['5 MicroSeconds', 0, 0, 5],
    ['1 week', 0, 7, 0],
    ['1 days 1 second 1 millisecond', 0, 1, 1_001_000],
    ['1 year 2 months', 14, 0, 0],
    ['1 month 1 second', 1, 0, S],
    ['10\tseconds', 0, 0, 10 * S],
  ])('%j', (text, months, days, micros) => {
    expect(stringToInterval(text)).toEqual({ months, days, micros });
  });

  it.each([
    ['garbage', 'UNRECOGNIZED_NUMBER', 'Unrecognized number garbage.'],
    ['5 hours ago', 'UNRECOGNIZED_NUMBER', 'Unrecognized number ago.'],
    ['1500', 'MISSING_UNIT', 'Expect a unit name after 1500 but hit EOL.'],
    ['5 seconds 3', 'MISSING_UNIT', 'Expect a unit name after 3 but hit EOL.'],
    ['1.5', 'MISSING_UNIT', 'Expect a unit name after 1.5 but hit EOL.'],
    ['5 seconds -', 'MISSING_NUMBER', 'Expect a number after - but hit EOL.'],
    ['10 sec', 'INVALID_UNIT', 'Invalid unit sec.'],
    ['1 ms', 'INVALID_UNIT', 'Invalid unit ms.'],
    ['10 secondss', 'INVALID_UNIT', 'Invalid unit secondss.'],
    ['5 seconds,', 'INVALID_UNIT', 'Invalid unit seconds,.'],
    ['1.5 minutes', 'INVALID_FRACTION', 'minutes cannot have fractional part.'],
    ['0.5 weeks', 'INVALID_FRACTION', 'weeks cannot have fractional part.'],
    ['10seconds', 'INVALID_VALUE', 'Invalid value 10seconds.'],
    ['--5 seconds', 'INVALID_VALUE', 'Invalid value --5.'],
    ['. seconds', 'INVALID_VALUE', 'Invalid value ..'],
    ['1.2345678901 seconds', 'INVALID_PRECISION', 'Interval can only support nanosecond precision, 1.2345678901 is out of range.'],
    ['interval1 second', 'INVALID_PREFIX', 'Invalid interval prefix interval1.'],
    ['', 'INPUT_IS_EMPTY', 'Interval string cannot be empty.'],
    ['interval', 'INPUT_IS_EMPTY', 'Interval string cannot be empty.'],
    ['99999999999999999999 seconds', 'ARITHMETIC_EXCEPTION', "Uncaught arithmetic exception while parsing '99999999999999999999 seconds'."],
    ['2147483648 months', 'ARITHMETIC_EXCEPTION', "Uncaught arithmetic exception while parsing '2147483648 months'."],
  ])('%j → INVALID_INTERVAL_FORMAT.%s', (text, sub, detail) => {
    const e = thrown(() => stringToInterval(text));
    expect(e).toBeInstanceOf(IllegalArgumentError);
    expect(e.errorClass).toBe(`INVALID_INTERVAL_FORMAT.${sub}`);
    expect(e.sqlState).toBe('22006');
    expect(e.message).toBe(
      `[INVALID_INTERVAL_FORMAT.${sub}] Error parsing '${text}' to interval. ${FORMAT_MAIN} ${detail} SQLSTATE: 22006`,
    );
  });
});

describe('fromIntervalString (window, withWatermark)', () => {
  it.each([
    ["interval '10' second", 0, 10 * S],
    ["interval '1 hour'", 0, 3600 * S],
    ['interval 1 day 2 hours', 0, 26 * 3600 * S],
    ['interval 1 week', 0, 7 * 86_400 * S],
    ["interval '-5' seconds", 0, -5 * S],
    ['interval 1.5 seconds', 0, 1.5 * S],
    ['INTERVAL 10 SECONDS', 0, 10 * S],
    ['interval 100 microseconds 2 milliseconds', 0, 2100],
    ['interval 1 month', 1, 0],
    ['1 day', 0, 86_400_000_000],
  ])('%j', (text, months, micros) => {
    expect(parseIntervalMicros(text)).toEqual({ months, micros });
  });

  it.each(['garbage', '10', '10 s', 'interval garbage', 'interval 1.5 minutes', 'interval 1 year 2 months 3 days'])(
    '%j → CANNOT_PARSE_INTERVAL',
    (text) => {
      const e = thrown(() => fromIntervalString(text));
      expect(e).toBeInstanceOf(AnalysisError);
      expect(e.errorClass).toBe('CANNOT_PARSE_INTERVAL');
      expect(e.message).toBe(
        `[CANNOT_PARSE_INTERVAL] Unable to parse '${text}'. ${FORMAT_MAIN} If the issue persists, please double check that the input value is not null or empty and try again. SQLSTATE: 22006`,
      );
    },
  );

  it('quotes the input like toSQLValue', () => {
    expect(thrown(() => fromIntervalString("it's")).messageParameters).toEqual({ intervalString: "'it\\'s'" });
  });
});

describe('durations', () => {
  it('window durations reject months with the legacy message', () => {
    expect(windowDurationMicros('10 seconds', 'windowDuration')).toBe(10 * S);
    expect(windowDurationMicros('-5 seconds', 'startTime')).toBe(-5 * S);
    expect(windowDurationMicros('1 day', 'windowDuration')).toBe(86_400_000_000);
    const e = thrown(() => windowDurationMicros('interval 1 month', 'windowDuration'));
    expect(e).toBeInstanceOf(IllegalArgumentError);
    expect(e.errorClass).toBe('_LEGACY_ERROR_TEMP_3231');
    expect(e.sqlState).toBeUndefined();
    expect(e.message).toBe('Intervals greater than a month is not supported (interval 1 month).');
  });

  it('watermark delays count a month as 31 days and reject negatives', () => {
    expect(delayMillis('10 seconds')).toBe(10_000);
    expect(delayMillis('1 month')).toBe(31 * 86_400_000);
    expect(delayMillis('1 year')).toBe(12 * 31 * 86_400_000);
    expect(delayMillis('0.0015 seconds')).toBe(1);
    const e = thrown(() => delayMillis('-5 seconds'));
    expect(e).toBeInstanceOf(IllegalArgumentError);
    expect(e.message).toBe('requirement failed: delay threshold (-5 seconds) should not be negative.');
  });

  it('trigger intervals: strings through stringToInterval, numbers as ms', () => {
    expect(triggerIntervalMillis('2 seconds')).toBe(2000);
    expect(triggerIntervalMillis('interval 2 seconds')).toBe(2000);
    expect(triggerIntervalMillis('1.5 seconds')).toBe(1500);
    expect(triggerIntervalMillis('1 day')).toBe(86_400_000);
    expect(triggerIntervalMillis('0 seconds')).toBe(0);
    expect(triggerIntervalMillis(1500)).toBe(1500);
    expect(thrown(() => triggerIntervalMillis('1 month')).message).toBe("Doesn't support month or year interval: 1 month");
    expect(thrown(() => triggerIntervalMillis('1500')).errorClass).toBe('INVALID_INTERVAL_FORMAT.MISSING_UNIT');
    for (const bad of ['-1 seconds', -5] as const) {
      const e = thrown(() => triggerIntervalMillis(bad));
      expect(e).toBeInstanceOf(IllegalArgumentError);
      expect(e.message).toBe('requirement failed: the interval of trigger should not be negative');
    }
  });
});
