import { BlindIndex, generateKeyMaterial } from '@siyu/crypto';
import { fullMobileNumber, lastFourDigits, receiverIndexes } from './receiver-lookup-index';

describe('receiver lookup index', () => {
  const blindIndex = BlindIndex.fromBase64(generateKeyMaterial());
  const receiver = (phone: string) => ({ name: '张三', phone, address: '文三路100号' });

  it.each([
    ['13912345678', '13912345678'],
    ['+86 139-1234-5678', '13912345678'],
    ['008613912345678', '13912345678'],
    ['138****5678', null],
    ['18877771111-123', null],
    ['0571-88886666', null],
    ['#Vm5aQ2hpcGhlcg==#', null],
  ])('reads %s as the full mobile %s', (phone, expected) => {
    expect(fullMobileNumber(phone)).toBe(expected);
  });

  it.each([
    ['13912345678', '5678'],
    ['138****5678', '5678'],
    ['*******5552', '5552'],
    ['0571-88886666', '6666'],
    ['18877771111-123', null],
    ['18877771111转123', null],
    ['#Vm5aQ2hpcGhlcg==#', null],
  ])('reads the last four digits of %s as %s', (phone, expected) => {
    expect(lastFourDigits(phone)).toBe(expected);
  });

  it('indexes a full phone twice, a masked phone by its last four, and skips masked or ciphertext buyer ids', () => {
    expect(receiverIndexes(blindIndex, receiver('13912345678'), 'tb_zhangsan88').map((r) => r.kind)).toEqual([
      'phone-full',
      'phone-last4',
      'buyer-id',
    ]);
    expect(receiverIndexes(blindIndex, receiver('138****5678'), 't**9').map((r) => r.kind)).toEqual([
      'phone-last4',
    ]);
    expect(receiverIndexes(blindIndex, receiver('#YWJj#'), '#K1wXn3vQpZ#')).toEqual([]);
  });

  it('gives a masked and a full number with the same last four the same last-four digest, and nothing readable', () => {
    const [, full4] = receiverIndexes(blindIndex, receiver('13912345678'), null);
    const [masked4] = receiverIndexes(blindIndex, receiver('139****5678'), null);
    expect(full4.digest).toBe(masked4.digest);
    expect(full4.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(full4.digest).not.toContain('5678');
  });
});
