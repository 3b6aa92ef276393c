import {
  FULFILMENT_FIELDS,
  FULFILMENT_PURPOSES,
  isFulfilmentPurpose,
  RECEIVER_FIELDS,
  SEALED_FULFILMENT_FIELDS,
} from './fulfilment-purpose';

describe('the fulfilment purpose (R3, R4)', () => {
  it('declares the receiver and the buyer id among its fields, and seals every personal one', () => {
    for (const f of SEALED_FULFILMENT_FIELDS) expect(FULFILMENT_FIELDS).toContain(f);
    expect(SEALED_FULFILMENT_FIELDS).toEqual(expect.arrayContaining([...RECEIVER_FIELDS, 'buyer_id']));
  });

  it('allows shipping, after-sales and customer care, and nothing for marketing', () => {
    expect(FULFILMENT_PURPOSES).toEqual(['shipping', 'after_sales', 'customer_care']);
    expect(isFulfilmentPurpose('after_sales')).toBe(true);
    expect(isFulfilmentPurpose('marketing')).toBe(false);
    expect(isFulfilmentPurpose('')).toBe(false);
  });
});
