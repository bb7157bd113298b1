import { preferNameserver } from './podman-dns';

describe('preferNameserver', () => {
  const conf = 'search dns.podman dns.podman\nnameserver 10.89.1.1\nnameserver 10.89.0.1\nnameserver 10.255.255.53\n';

  it("moves the preferred network's dnsmasq to the top and keeps the rest in order", () => {
    expect(preferNameserver(conf, '10.89.0.1')).toBe('search dns.podman dns.podman\nnameserver 10.89.0.1\nnameserver 10.89.1.1\nnameserver 10.255.255.53\n');
  });

  it('leaves a file alone that does not list the preferred nameserver or already has it first', () => {
    expect(preferNameserver(conf, '10.99.0.1')).toBe(conf);
    expect(preferNameserver(conf, '10.89.1.1')).toBe(conf);
  });
});
