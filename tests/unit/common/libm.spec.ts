import { expect } from 'chai';
import { log10, pow } from '../../../zaqar/common/libm';

/**
 * Values of Python 3.11's `math.pow` / `math.log10` (Debian, glibc 2.36) on
 * which V8's `Math.pow` / `Math.log10` are one ulp off and ours are not.
 */
const PYTHON_POW: [number, number, number][] = [
  [10, 0.23125149873959394, 1.7031445091716197],
  [10, 1.9039013852901325, 80.14960480089776],
  [10, 1.1004313772113425, 12.601765019122313],
  [10, 2.9814587427179724, 958.2056839731653],
  [10, 2.5250578013739737, 335.01002353988764],
  [10, -1.0476802603727204, 0.08960242006084622],
  [10, 1.3300872182560477, 21.383914941068195],
  [10, -0.14789126242371164, 0.711391607825098],
];
const PYTHON_LOG10: [number, number][] = [
  [449.18795176193, 2.652428098984159],
  [401.3874164808836, 2.603563753207327],
  [799.1706513217712, 2.902639526515418],
  [57.52745491443387, 1.7598751607269199],
  [311.99309208607275, 2.494144978306544],
  [304.41783354209457, 2.483470090877968],
  [338.20376230021753, 2.5291784345365174],
  [474.76328446696795, 2.6764771256786317],
];

describe('common/libm', () => {
  it("pow: Python's value to the last bit", () => {
    for (const [x, y, expected] of PYTHON_POW) expect(pow(x, y), `${x} ** ${y}`).to.equal(expected);
  });

  it("log10: Python's value to the last bit", () => {
    for (const [x, expected] of PYTHON_LOG10) expect(log10(x), `log10(${x})`).to.equal(expected);
  });

  it('special cases as Math', () => {
    expect(pow(2, 10)).to.equal(1024);
    expect(pow(7, 0)).to.equal(1);
    expect(pow(0, 2)).to.equal(0);
    expect(pow(-2, 3)).to.equal(-8);
    expect(pow(10, 400)).to.equal(Infinity);
    expect(pow(10, -400)).to.equal(0);
    expect(log10(1)).to.equal(0);
    expect(log10(1000)).to.equal(3);
    expect(log10(0)).to.equal(-Infinity);
    expect(Number.isNaN(log10(-1))).to.equal(true);
    expect(log10(5e-324)).to.be.closeTo(-323.3062153431158, 1e-12);
  });

  it('the geometric back-off from 1 to 56 s ends at 56 as in Zaqar (55 with Math.pow)', () => {
    // Python: k = math.pow(10, math.log10(56 / 1) / 10) == 1.4956115235716425; 1 * math.pow(k, 10) == 56.00000000000006
    const k = pow(10, log10(56) / 10);
    expect(k).to.equal(1.4956115235716425);
    expect(pow(k, 10)).to.equal(56.00000000000006);
    expect(Math.trunc(Math.pow(Math.pow(10, Math.log10(56) / 10), 10))).to.equal(55);
  });
});
