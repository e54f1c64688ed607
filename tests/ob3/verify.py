"""Verifies a Laurel certificate's Open Badges 3.0 credential with an independent library.

openbadgeslib (PyPI, LGPLv3; https://github.com/luisgf/openbadgeslib) implements OB 3.0's
VC-JWT proof format and W3C Bitstring Status Lists on PyJWT and pyca/cryptography: none of
Laurel's code is involved. `.ci/run` installs a pinned version in a virtualenv and points
LAUREL_OB3_PYTHON at it; tests/it/credentials.rs runs this script.

    python verify.py TOKEN_FILE

The key is found the way a verifier abroad would: the JWT header's `kid` is a URL under the
issuer's id (checked), which answers with the JWK. The status list named by the credential is
fetched and its own signature checked against the same issuer's key. Prints one JSON line:
{"result": "VERIFIED", ...} or {"result": "REFUSED", "reason": ...}.
"""

import base64
import json
import sys
import urllib.request

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from openbadgeslib.ob3.verifier import OB3Verifier, OB3VerificationError


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def main():
    token = open(sys.argv[1], encoding="ascii").read().strip()
    try:
        header_b64, payload_b64, _ = token.split(".")
        header = json.loads(b64url(header_b64))
        payload = json.loads(b64url(payload_b64))
        issuer = payload["issuer"]["id"] if isinstance(payload["issuer"], dict) else payload["issuer"]
        kid = header["kid"]
        if not kid.startswith(issuer + "/keys/"):
            raise OB3VerificationError("the key %r is not published under the issuer %r" % (kid, issuer))
        jwk = json.loads(fetch(kid))
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise OB3VerificationError("not an Ed25519 JWK: %r" % jwk)
        pem = Ed25519PublicKey.from_public_bytes(b64url(jwk["x"])).public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        credential = OB3Verifier(pem).verify(
            token, check_status=True, verify_status_list=True, download=fetch
        )
    except (OB3VerificationError, ValueError, KeyError) as error:
        print(json.dumps({"result": "REFUSED", "reason": str(error)}, ensure_ascii=False))
        return
    print(
        json.dumps(
            {
                "result": "VERIFIED",
                "issuer": credential.issuer.id,
                "issuerName": credential.issuer.name,
                "achievement": credential.achievement.name,
                "statusEntries": len(credential.credential_status),
            },
            ensure_ascii=False,
        )
    )


main()
