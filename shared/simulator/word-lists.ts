/** Word lists for plausible generated values. */
export const FIRST_NAMES = ['Ada', 'Ben', 'Carla', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Liam', 'Maya', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq', 'Uma', 'Victor', 'Wen', 'Yara', 'Zoe'];
export const LAST_NAMES = ['Adams', 'Brown', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen', 'Kowalski', 'Lopez', 'Müller', 'Nakamura', 'Okafor', 'Patel', 'Rossi', 'Schmidt', 'Tanaka', 'Urban', 'Varga', 'Walsh', 'Xu', 'Young', 'Zimmer'];
export const COMPANY_WORDS = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Cyberdyne', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Wonka', 'Gringotts', 'Oscorp', 'Aperture'];
export const COMPANY_SUFFIXES = ['Industrial', 'Supplies', 'Logistics', 'Consulting', 'Components', 'Office Products', 'Software', 'Facilities'];
export const LEGAL_SUFFIXES = ['Inc.', 'LLC', 'GmbH', 'Ltd', 'S.A.'];
export const DEPARTMENTS = ['Finance', 'Procurement', 'Engineering', 'Marketing', 'Sales', 'Legal', 'Facilities', 'IT', 'HR', 'Operations'];
export const PRODUCTS = ['Laptop Stand', 'Office Chair', 'USB-C Dock', 'Printer Paper A4', 'Toner Cartridge', 'Monitor 27"', 'Desk Lamp', 'Whiteboard', 'Headset', 'Safety Gloves', 'Pallet Jack', 'Server Rack'];
export const INTEGRATION_NAMES = ['ERP Invoice Export', 'ERP PO Export', 'Supplier Sync', 'GL Account Import', 'Payroll Feed', 'Expense Export'];
export const LOOKUPS = ['Cost Center', 'Project', 'Region', 'Business Unit'];
export const STREETS = ['Main St', 'Market St', 'Oak Ave', 'Harbor Blvd', 'King St', 'Elm Rd', 'Mission St', 'Park Lane'];
export const CITIES: readonly (readonly [city: string, state: string, postal: string, country: string])[] = [
  ['San Mateo', 'CA', '94404', 'US'],
  ['Austin', 'TX', '78701', 'US'],
  ['Chicago', 'IL', '60601', 'US'],
  ['Berlin', 'BE', '10115', 'DE'],
  ['London', 'LND', 'EC1A 1BB', 'GB'],
  ['Toronto', 'ON', 'M5H 2N2', 'CA'],
  ['Lyon', 'ARA', '69001', 'FR'],
  ['Osaka', '27', '530-0001', 'JP'],
];
export const SENTENCES = [
  'Quarterly maintenance as agreed.',
  'Office supplies for the second floor.',
  'Consulting services, phase 2.',
  'Replacement parts for line 3.',
  'Annual software subscription.',
  'Travel and accommodation for the sales kickoff.',
  'Freight charges, expedited.',
  'Hardware refresh for the support team.',
];
export const EXPENSE_TITLES = ['Trip to Berlin', 'Customer visit Austin', 'Team offsite', 'Conference SFO', 'Client dinner', 'Training London'];

/** Reference data the files describe but the catalog does not hold: fixed pools, ids 1..n. */
export const FIXED_POOLS: Readonly<Record<string, readonly Record<string, unknown>[]>> = {
  Currency: [
    { code: 'USD', name: 'US Dollar', symbol: '$', decimals: 2, enabled: true },
    { code: 'EUR', name: 'Euro', symbol: '€', decimals: 2, enabled: true },
    { code: 'GBP', name: 'British Pound', symbol: '£', decimals: 2, enabled: true },
    { code: 'CAD', name: 'Canadian Dollar', symbol: '$', decimals: 2, enabled: true },
    { code: 'JPY', name: 'Japanese Yen', symbol: '¥', decimals: 0, enabled: true },
    { code: 'CHF', name: 'Swiss Franc', symbol: 'Fr', decimals: 2, enabled: true },
  ],
  Country: [
    { code: 'US', name: 'United States' },
    { code: 'DE', name: 'Germany' },
    { code: 'GB', name: 'United Kingdom' },
    { code: 'CA', name: 'Canada' },
    { code: 'FR', name: 'France' },
    { code: 'JP', name: 'Japan' },
  ],
  Uom: [
    { code: 'EA', name: 'Each', active: true },
    { code: 'HR', name: 'Hour', active: true },
    { code: 'BOX', name: 'Box', active: true },
    { code: 'KG', name: 'Kilogram', active: true },
  ],
  PaymentTerm: [
    { code: 'NET 30', description: 'Net 30 days', 'days-for-net-payment': 30, active: true },
    { code: 'NET 45', description: 'Net 45 days', 'days-for-net-payment': 45, active: true },
    { code: 'NET 60', description: 'Net 60 days', 'days-for-net-payment': 60, active: true },
    { code: '2/10 NET 30', description: '2% 10, net 30', 'days-for-net-payment': 30, active: true },
  ],
  AccountType: [
    { name: 'US COA', active: true },
    { name: 'EU COA', active: true },
    { name: 'UK COA', active: true },
  ],
  Commodity: [
    { name: 'Office Supplies', active: true, category: 'goods' },
    { name: 'IT Hardware', active: true, category: 'goods' },
    { name: 'Software', active: true, category: 'services' },
    { name: 'Professional Services', active: true, category: 'services' },
  ],
  ExpenseCategory: [
    { name: 'Airfare', active: true },
    { name: 'Hotel', active: true },
    { name: 'Meals', active: true },
    { name: 'Mileage', active: true },
    { name: 'Taxi', active: true },
  ],
  Lookup: LOOKUPS.map((name) => ({ name, active: true })),
};
