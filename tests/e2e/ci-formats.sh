#!/bin/sh
# check --format sarif, github and junit: the structure that code scanning,
# workflow annotations and JUnit readers need, paths relative to the
# repository's top, escaping, and --strict.
. "$(dirname "$0")/../lib.sh"

# A repository whose registry has two errors (line 2) and a warning (line 11).
make_registry_repo() {
	make_repo "$1"
	mkdir -p "$1/data" "$1/sub"
	cat >"$1/data/models.yaml" <<-\EOT
	models:
	  - id: acme-7b
	    name: Acme 7B
	    sources:
	      - id: card
	        url: https://huggingface.co/acme/acme-7b
	    specs:
	      architecture: dense
	      total_params: 7B
	      active_params: 7B
	      licence: MIT
	EOT
}

test_expect_success 'sarif has the structure code scanning reads' '
	make_registry_repo repo &&
	cd repo &&
	run_ma 1 check --format sarif &&
	python3 - out <<-\EOT
	import json, sys
	log = json.load(open(sys.argv[1]))
	assert log["version"] == "2.1.0", log["version"]
	assert "sarif-2.1.0" in log["$schema"]
	assert len(log["runs"]) == 1
	run = log["runs"][0]
	driver = run["tool"]["driver"]
	assert driver["name"] == "modelaudit"
	assert driver["version"]
	assert driver["informationUri"].startswith("https://")
	ids = [r["id"] for r in driver["rules"]]
	assert "yaml-syntax" in ids, ids
	assert "suppression-unused" in ids, ids
	assert len(ids) == len(set(ids))
	for rule in driver["rules"]:
	    assert rule["shortDescription"]["text"], rule
	    assert rule["help"]["text"], rule
	    assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note"), rule
	results = run["results"]
	assert len(results) == 3, results
	for r in results:
	    assert ids[r["ruleIndex"]] == r["ruleId"], r
	    assert r["level"] in ("error", "warning", "note"), r
	    assert r["message"]["text"], r
	    loc = r["locations"][0]["physicalLocation"]
	    assert loc["artifactLocation"]["uri"] == "data/models.yaml", loc
	    assert loc["region"]["startLine"] >= 1, loc
	    assert loc["region"]["startColumn"] >= 1, loc
	    fp = r["partialFingerprints"]["modelaudit/v1"]
	    assert len(fp) == 32, fp
	    assert int(fp, 16) >= 0, fp
	first = results[0]
	assert first["ruleId"] == "schema-required", first
	assert first["level"] == "error", first
	assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 2, "startColumn": 5}
	last = results[2]
	assert last["ruleId"] == "schema-unknown-field", last
	assert last["level"] == "warning", last
	assert last["locations"][0]["physicalLocation"]["region"] == {"startLine": 11, "startColumn": 7}
	assert last["properties"]["model"] == "acme-7b"
	EOT
'

test_expect_success 'sarif fingerprints match the json report' '
	make_registry_repo repo &&
	cd repo &&
	run_ma 1 check --format json &&
	mv out json &&
	run_ma 1 check --format sarif &&
	python3 - json out <<-\EOT
	import json, sys
	plain = [f["fingerprint"] for f in json.load(open(sys.argv[1]))["findings"]]
	sarif = [r["partialFingerprints"]["modelaudit/v1"]
	         for r in json.load(open(sys.argv[2]))["runs"][0]["results"]]
	assert plain == sarif, (plain, sarif)
	EOT
'

test_expect_success 'sarif paths are relative to the repository top' '
	make_registry_repo repo &&
	cd repo/sub &&
	run_ma 1 check --format sarif ../data/models.yaml &&
	python3 - out <<-\EOT
	import json, sys
	for r in json.load(open(sys.argv[1]))["runs"][0]["results"]:
	    uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
	    assert uri == "data/models.yaml", uri
	EOT
'

test_expect_success 'sarif paths of --staged are relative to the top' '
	make_registry_repo repo &&
	git -C repo add data/models.yaml &&
	cd repo/sub &&
	run_ma 1 check --staged --format sarif &&
	python3 - out <<-\EOT
	import json, sys
	results = json.load(open(sys.argv[1]))["runs"][0]["results"]
	assert len(results) == 3, results
	for r in results:
	    uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
	    assert uri == "data/models.yaml", uri
	EOT
'

test_expect_success 'sarif percent-encodes file names' '
	make_registry_repo repo &&
	cd repo &&
	mv data/models.yaml "data/my models%.yaml" &&
	run_ma 1 check --format sarif "data/my models%.yaml" &&
	python3 - out <<-\EOT
	import json, sys
	r = json.load(open(sys.argv[1]))["runs"][0]["results"][0]
	uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
	assert uri == "data/my%20models%25.yaml", uri
	EOT
'

test_expect_success 'sarif rules carry the configured severity' '
	make_registry_repo repo &&
	cd repo &&
	printf "severity:\n  schema-unknown-field: note\n  url-insecure: off\n" >.modelaudit.yaml &&
	run_ma 1 check --format sarif &&
	python3 - out <<-\EOT
	import json, sys
	run = json.load(open(sys.argv[1]))["runs"][0]
	rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
	assert rules["schema-unknown-field"]["defaultConfiguration"] == {"level": "note"}
	assert rules["url-insecure"]["defaultConfiguration"] == {"enabled": False, "level": "warning"}
	assert rules["yaml-syntax"]["defaultConfiguration"] == {"level": "error"}
	assert run["results"][2]["level"] == "note", run["results"][2]
	EOT
'

test_expect_success 'sarif of a clean registry has no results' '
	make_registry_repo repo &&
	cd repo &&
	printf "severity:\n  schema-required: off\n  schema-unknown-field: off\n" >.modelaudit.yaml &&
	run_ma 0 check --format sarif &&
	python3 - out <<-\EOT
	import json, sys
	assert json.load(open(sys.argv[1]))["runs"][0]["results"] == []
	EOT
'

test_expect_success 'github prints workflow commands' '
	make_registry_repo repo &&
	cd repo/sub &&
	run_ma 1 check --format github ../data/models.yaml &&
	cat >expect <<-\EOT &&
	::error file=data/models.yaml,line=2,col=5,title=schema-required::model '\''acme-7b'\'' has no '\''organization'\''
	::error file=data/models.yaml,line=2,col=5,title=schema-required::model '\''acme-7b'\'' has no '\''released'\''
	::warning file=data/models.yaml,line=11,col=7,title=schema-unknown-field::unknown field '\''licence'\'' in specs (did you mean '\''license'\''?)
	EOT
	test_cmp expect out &&
	echo "2 errors, 1 warning, 0 notes in 1 file (1 model, 0 scores)" >expect &&
	test_cmp expect err
'

test_expect_success 'github writes notes as notices' '
	make_registry_repo repo &&
	cd repo &&
	printf "severity:\n  schema-unknown-field: note\n  schema-required: off\n" >.modelaudit.yaml &&
	run_ma 0 check --format github &&
	cat >expect <<-\EOT &&
	::notice file=data/models.yaml,line=11,col=7,title=schema-unknown-field::unknown field '\''licence'\'' in specs (did you mean '\''license'\''?)
	EOT
	test_cmp expect out
'

test_expect_success 'github escapes percent, comma and colon' '
	make_registry_repo repo &&
	cd repo &&
	mv data/models.yaml "data/a,b:c%.yaml" &&
	sed -i "s/licence: MIT/\"100%: licence\": MIT/" "data/a,b:c%.yaml" &&
	run_ma 1 check --format github "data/a,b:c%.yaml" &&
	tail -n 1 out >last &&
	cat >expect <<-\EOT &&
	::warning file=data/a%2Cb%3Ac%25.yaml,line=11,col=7,title=schema-unknown-field::unknown field '\''100%25: licence'\'' in specs
	EOT
	test_cmp expect last
'

test_expect_success 'junit parses as XML with one suite a file' '
	make_registry_repo repo &&
	cd repo &&
	cat >data/clean.yaml <<-\EOT &&
	models: []
	EOT
	run_ma 1 check --format junit data &&
	python3 - out <<-\EOT
	import sys
	import xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	assert root.tag == "testsuites", root.tag
	assert root.get("tests") == "4", root.attrib
	assert root.get("failures") == "2", root.attrib
	suites = root.findall("testsuite")
	assert [s.get("name") for s in suites] == ["data/clean.yaml", "data/models.yaml"]
	clean, models = suites
	assert clean.get("tests") == "1", clean.attrib
	assert clean.get("failures") == "0", clean.attrib
	assert clean.find("testcase/failure") is None
	cases = models.findall("testcase")
	assert len(cases) == 3
	failures = [c.find("failure") for c in cases]
	assert failures[0].get("type") == "schema-required"
	assert failures[0].get("message") == "model '\''acme-7b'\'' has no '\''organization'\''"
	assert failures[0].text == "data/models.yaml:2:5: error: model '\''acme-7b'\'' has no '\''organization'\'' [schema-required]"
	assert cases[0].get("classname") == "data/models.yaml", cases[0].attrib
	assert cases[0].get("line") == "2", cases[0].attrib
	assert failures[2] is None, "a warning below --fail-on is no failure"
	assert "[schema-unknown-field]" in cases[2].find("system-out").text
	EOT
'

test_expect_success 'junit counts warnings as failures with --strict' '
	make_registry_repo repo &&
	cd repo &&
	run_ma 1 check --format junit --strict &&
	python3 - out <<-\EOT
	import sys
	import xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	assert root.get("failures") == "3", root.attrib
	EOT
'

test_expect_success 'junit escapes markup and control characters' '
	make_registry_repo repo &&
	cd repo &&
	printf "    \"<a href=\\\\\"x\\\\\">&amp;\\\\x01\\\\u0008\\\\uFFFE\": 1\n" >>data/models.yaml &&
	run_ma 1 check --format junit &&
	grep -v "^<?xml" out >body &&
	! grep "$(printf "\\357\\277\\276")" body &&
	python3 - out <<-\EOT
	import sys
	import xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	outputs = [s.text for s in root.iter("system-out")]
	expected = "data/models.yaml:12:5: warning: unknown field " + \
	    "\x27<a href=\"x\">&amp;\\x01\\x08\x27 in a model [schema-unknown-field]"
	assert outputs[1] == expected, outputs
	EOT
'

test_expect_success 'strict makes warnings fail' '
	make_registry_repo repo &&
	cd repo &&
	printf "severity:\n  schema-required: off\n" >.modelaudit.yaml &&
	run_ma 0 check &&
	run_ma 1 check --strict &&
	run_ma 1 check --strict --fail-on never &&
	run_ma 1 check --strict --fail-on note
'

test_expect_success 'unknown format lists the formats' '
	run_ma 2 check --format xml &&
	echo "modelaudit: error: unknown format '\''xml'\'' (expected text, json, sarif, github, junit)" >expect &&
	test_cmp expect err
'

test_done
