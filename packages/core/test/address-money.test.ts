import { expect } from 'chai';
import {
  detectDhl,
  divRound,
  lineTotal,
  mapAddress,
  plentyCountryId,
  rateKey,
  splitStreet,
  toCents,
  toQty4,
  unitPriceFor,
  vatOfGross,
} from '../src/index';
import { plentyLookups } from './fixtures/context';

describe('core: street splitting', () => {
  const cases: [string[], string, string, string, string?][] = [
    [['Hauptstraße 12a'], 'DE', 'Hauptstraße', '12a'],
    [['Hauptstr. 5-7'], 'DE', 'Hauptstr.', '5-7'],
    [['Am Markt 1 b'], 'DE', 'Am Markt', '1 b'],
    [['Straße des 17. Juni 135'], 'DE', 'Straße des 17. Juni', '135'],
    [['Hauptstraße', '12', 'Hinterhaus'], 'DE', 'Hauptstraße', '12', 'Hinterhaus'],
    [['Hauptstraße 12a', 'c/o Müller'], 'DE', 'Hauptstraße', '12a', 'c/o Müller'],
    [['Mariahilfer Straße 12/3/4'], 'AT', 'Mariahilfer Straße', '12/3/4'],
    [['Kerkstraat 1 bis'], 'NL', 'Kerkstraat', '1 bis'],
    [['Kerkstraat 12-H'], 'NL', 'Kerkstraat', '12-H'],
    [['12 Rue de la Paix'], 'FR', 'Rue de la Paix', '12'],
    [['12 bis Rue de la Paix'], 'FR', 'Rue de la Paix', '12 bis'],
    [['221B Baker Street'], 'GB', 'Baker Street', '221B'],
    [['1600 Pennsylvania Ave NW'], 'US', 'Pennsylvania Ave NW', '1600'],
    [['10-12 Downing Street'], 'GB', 'Downing Street', '10-12'],
    [['Rue de la Loi 16'], 'BE', 'Rue de la Loi', '16'],
    [['Dorfstraße'], 'DE', 'Dorfstraße', ''],
    [['  Hauptstraße   12a  '], 'DE', 'Hauptstraße', '12a'],
  ];
  for (const [lines, country, street, houseNumber, additional] of cases) {
    it(`${country} ${JSON.stringify(lines)} → ${street} | ${houseNumber}${additional ? ` | ${additional}` : ''}`, () => {
      expect(splitStreet(lines, country)).to.deep.equal({
        street,
        houseNumber,
        ...(additional ? { additional } : {}),
      });
    });
  }
});

describe('core: DHL Packstation / Postfiliale', () => {
  it('Packstation with the post number in line 2', () => {
    expect(detectDhl(['Packstation 123', '12345678'])).to.deep.equal({
      kind: 'packstation',
      number: '123',
      postNumber: '12345678',
      rest: [],
    });
  });
  it('Packstation with "Postnummer" text and the number first', () => {
    expect(detectDhl(['Postnummer: 1234567', 'packstation 7'])).to.deep.equal({
      kind: 'packstation',
      number: '7',
      postNumber: '1234567',
      rest: [],
    });
  });
  it('Postfiliale with the post number in the company field', () => {
    expect(detectDhl(['Postfiliale 456'], 'Postnummer 87654321')).to.deep.equal({
      kind: 'postfiliale',
      number: '456',
      postNumber: '87654321',
      rest: [],
    });
  });
  it('an ordinary street is not a Packstation', () => {
    expect(detectDhl(['Packstationweg 5'])).to.equal(null);
    expect(detectDhl(['Hauptstraße 12a'])).to.equal(null);
  });
  it('maps a Packstation address with isPackstation and option 6', () => {
    const r = mapAddress(
      {
        firstname: 'Ada',
        lastname: 'Muster',
        street: ['Packstation 101', '98765432'],
        city: 'Berlin',
        postcode: '10115',
        country_id: 'DE',
      },
      'shipping address',
      { countries: plentyLookups.countries, email: null },
    );
    expect(r).to.deep.equal({
      ok: true,
      countryIso2: 'DE',
      address: {
        name2: 'Ada',
        name3: 'Muster',
        address1: 'PACKSTATION',
        address2: '101',
        postalCode: '10115',
        town: 'Berlin',
        countryId: 1,
        isPackstation: true,
        options: [{ typeId: 6, value: '98765432' }],
      },
    });
  });
});

describe('core: countries', () => {
  it('picks the lowest Plenty id for an ISO code that is not unique (GR 13/64, ES 8/65)', () => {
    expect(plentyCountryId('GR', plentyLookups.countries)).to.equal(13);
    expect(plentyCountryId('es', plentyLookups.countries)).to.equal(8);
    expect(plentyCountryId('IT', plentyLookups.countries)).to.equal(null);
  });
  it('Irish addresses may come without a postcode', () => {
    const r = mapAddress(
      {
        firstname: 'A',
        lastname: 'B',
        street: ['1 Main Street'],
        city: 'Cork',
        postcode: null,
        country_id: 'IE',
      },
      'billing address',
      { countries: [{ id: 16, isoCode2: 'IE', name: 'Ireland' }], email: 'a@b.ie' },
    );
    expect(r.ok && r.address.postalCode).to.equal('');
  });
});

describe('core: money', () => {
  it('converts decimals to cents without float drift, half away from zero', () => {
    expect(toCents(19.99)).to.equal(1999);
    expect(toCents(0.1 + 0.2)).to.equal(30);
    expect(toCents(1.005)).to.equal(101);
    expect(toCents(-1.005)).to.equal(-101);
    expect(toCents('42.02')).to.equal(4202);
    expect(toCents(null)).to.equal(0);
    expect(toCents(1234567.8949)).to.equal(123456789);
  });
  it('rounds integer division half away from zero', () => {
    expect(divRound(5, 2)).to.equal(3);
    expect(divRound(-5, 2)).to.equal(-3);
    expect(divRound(4, 3)).to.equal(1);
  });
  it('line totals with decimal quantities', () => {
    expect(toQty4(1.5)).to.equal(15000);
    expect(lineTotal(toQty4(1.5), 399)).to.equal(599);
    expect(lineTotal(toQty4(0.25), 1290)).to.equal(323);
    expect(unitPriceFor(10000, toQty4(3))).to.equal(3333);
  });
  it('VAT contained in a gross amount, rate keys', () => {
    expect(vatOfGross(11900, 19)).to.equal(1900);
    expect(vatOfGross(3497, 19)).to.equal(558);
    expect(vatOfGross(1077, 7.7)).to.equal(77);
    expect(rateKey(7.7)).to.equal('7.7');
    expect(rateKey(19.0)).to.equal('19');
  });
});
