"""Triage intelligence as intake, the command line and a correcting grid worker use it."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.management import call_command

from linli.accounts.models import Role, RoleAssignment
from linli.cases.models import Notification
from linli.cases.services import case_report, case_triage
from linli.triage.classifier import current_model
from linli.triage.models import TriageCorrection
from linli.triage.services import triage_evaluate


def test_the_command_answers_every_line_in_order_with_an_error_for_an_empty_one(
    monkeypatch, capsys, db
):
    lines = [
        "楼道里电动车在充电，线从窗户拉下来",
        "",
        "建议小区多装几个充电桩" * 300,
        "对门老人好几天没见了，报纸还在门口",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    call_command("triage")
    answers = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(answers) == 4
    assert answers[0]["category"] == "safety" and not answers[0]["risk"]
    assert answers[1] == {"line": 2, "error": "empty line"}
    assert answers[2]["category"] == "suggestion"
    assert answers[3]["risk"] is True and answers[3]["timeframe"] == "immediate"
    assert {"category", "route", "timeframe", "risk", "confidence", "reason"} <= set(answers[0])


def test_an_indirect_report_of_a_missing_neighbour_alerts_the_community_at_intake(world):
    home = RoleAssignment.objects.get(user=world.resident, role=Role.RESIDENT).household
    case = case_report(
        by=world.resident,
        description="隔壁独居的李奶奶三天没出门了，门口的牛奶都没拿",
        household=home,
    )
    assert case.risk and case.proposal["risk"] and case.proposal["timeframe"] == "immediate"
    alert = Notification.objects.get(user=world.community, case=case)
    assert alert.urgent


def test_the_api_proposes_for_one_text(client, world):
    # What the model answers is the benchmark's business; here, that the API gives the
    # model's proposal for the text it was sent, whole.
    from linli.triage.classifier import current_model

    text = "楼道里堆满了纸箱和旧家具，消防通道都堵死了"
    client.force_login(world.gridworker)
    answer = client.post("/api/v1/triage", {"text": text}, content_type="application/json").json()
    expected = current_model().propose(text)
    assert (answer["category"], answer["route"], answer["timeframe"], answer["risk"]) == (
        expected.category,
        expected.route,
        expected.timeframe,
        expected.risk,
    )
    assert answer["category"] == "safety" and 0 <= answer["confidence"] <= 1 and answer["reason"]


def test_a_correction_is_kept_and_used_by_triage_train(world, settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    home = RoleAssignment.objects.get(user=world.resident, role=Role.RESIDENT).household
    case = case_report(
        by=world.resident, description="楼上每天半夜弹钢琴，吵得孩子睡不着", household=home
    )
    proposed = case.proposal["category"]
    other = "order" if proposed != "order" else "dispute"
    case_triage(
        case=case,
        by=world.buildinghead,
        category=other,
        route="co",
        timeframe="deadline",
        risk=False,
    )
    correction = TriageCorrection.objects.get(case=case)
    assert correction.proposed["category"] == proposed and correction.corrected["category"] == other
    call_command("triage_train")
    out = capsys.readouterr().out
    # Every correction so far (the demo's triages too) goes into the retraining.
    assert f"corrections used: {TriageCorrection.objects.count()}" in out
    assert "before:" in out and "after:" in out


def test_on_the_held_out_set_most_risks_are_caught_with_few_false_alarms(db):
    # A floor against regressions, not the goal: the goals (every risk, false alarms
    # within 5 %) are what `./linli bench triage` measures. When batch 7 was added, with
    # the risk threshold lowered from 0.6 to 0.4 by the --cv rule, 95.5 % of the risks
    # were caught (126 of 132) at 6.2 % false alarms; at 0.6 it had been 89.3 % and
    # 2.5 % over batches 1–6. The floor follows that trade: more risks caught, a few more
    # false alarms. With batch 9 (threshold back to 0.5 by the same rule, after the typed
    # and spoken reports of training batch 8): 94.8 % caught (165 of 174), 3.9 % false alarms;
    # with batch 10 (0.4 again, by the rule, after training batch 9): 94.8 % (183 of 193)
    # at 6.0 %; with batch 11 (after training batch 10 and the checks for a risk that is
    # over, feared or habitual): 96.7 % (206 of 213) at 5.8 %; with batch 12 (after
    # training batch 11 and the electric rule): 97.0 % (227 of 234) at 6.5 %; with batch
    # 13 (after training batch 12, the seasons): 97.2 % (243 of 250) at 6.8 % (60 of 884);
    # with batch 14 (after training batch 13, a village turned community): 97.4 % (259 of
    # 266) at 6.2 % (59 of 949); with batch 15 (after training batch 14, a tower estate):
    # 97.2 % (274 of 282) at 6.3 % (64 of 1,013); with batch 16 (after naive Bayes joined the
    # category and time class): 97.0 % (291 of 300) at 6.7 % (72 of 1,075), and with the
    # risk estimate averaged too (threshold 0.3 by the rule): 96.7 % (290 of 300) at 5.9 %
    # (63 of 1,075); with batch 17 (written after that): 96.8 % (307 of 317) at 6.0 % (68 of
    # 1,133). Then batches 1–9 were retired into training (CONTRIBUTING.md): on the batches
    # still held out (10–17, 631 reports) the model before caught 96.5 % (138 of 143) at
    # 8.0 % (39 of 488), the model after 98.6 % (141 of 143) at 8.0 % (39 of 488) — those
    # later batches were written harder. Since, risks caught and false alarms over the
    # batches held out, as each new batch joined (written after the change in brackets):
    # 18 (retirement) 158/161, 43/555; 19 (training batch 24, two rules) 173/178, 51/619;
    # 20 (route follows category) 187/194, 55/678; 21 (HAPPENED_BEFORE) 204/211, 58/736;
    # 22 (training batch 25, five rules) 219/225, 60/784; 23 (training batch 26, its rules)
    # 236/244, 61/841; 24 (training batch 27, LONG_AGO) 253/261, 60/898; 25 (training batch
    # 28, three rules) 270/278, 61/954; 26 (training batch 29) 286/294, 62/1,010; 27
    # (training batch 30, its rules) 301/310, 64/1,067; 28 (training batch 31) 315/325,
    # 65/1,124 — the false-alarm floor went from 9 % to 8 % then; 29 (training batch 32, a
    # rule) 331/341, 66/1,180; then two training lines that restated held-out ones were
    # taken out: 330/341, 64/1,180; 30 (training batch 33) 343/355, 64/1,236 (96.6 %, 5.2 %);
    # 31 (the category's naive Bayes smoothing 0.1 → 0.03) 360/372, 65/1,289 (96.8 %, 5.0 %);
    # 32 (training batch 34, two rules) 373/389, 67/1,340; 33 (training batch 35, a rule)
    # 389/405, 73/1,388 (96.0 %, 5.3 %); 34 (training batch 36, its rules) 404/424, 73/1,438
    # (95.3 %, 5.1 %); 35 (training batch 37, its rules) 425/442, 76/1,483 (96.2 %, 5.1 %); 36
    # (training batch 38, a rule change) 442/461, 79/1,528 (95.9 %, 5.2 %); 37 (training batch
    # 39, a rule) 463/480, 84/1,573 (96.5 %, 5.3 %); 38 (training batch 40, a rule change)
    # 481/499, 85/1,618 (96.4 %, 5.3 %); 39 (training batch 41, a rule) 498/517, 86/1,659
    # (96.3 %, 5.2 %); 40 (training batch 42, its rules) 518/537, 87/1,695 (96.5 %, 5.1 %); 41
    # (training batch 43, a rule change) 536/557, 92/1,729 (96.2 %, 5.3 %); 42 (training
    # batch 44, its rules, and four training reports restaging held-out scenes set elsewhere)
    # 554/577, 93/1,761 (96.0 %, 5.3 %); 43 (training batch 45, a rule) 576/597, 94/1,792
    # (96.5 %, 5.2 %); 44 (training batch 46, a rule change) 595/617, 95/1,821 (96.4 %, 5.2 %);
    # 45 (training batch 47, a rule change) 615/637, 96/1,851 (96.5 %, 5.2 %); 46 (training
    # batch 48, its rules) 633/657, 101/1,880 (96.3 %, 5.4 %); 47 (training batch 49, a rule
    # change) 653/677, 101/1,909 (96.5 %, 5.3 %); 48 (training batch 50, its rules) 672/697,
    # 104/1,938 (96.4 %, 5.4 %); 49 (training batch 51, a rule) 693/717, 104/1,967 (96.7 %,
    # 5.3 %); 50 (training batch 52, a rule) 713/737, 106/1,995 (96.7 %, 5.3 %); 51 (training
    # batch 53, its rules) 733/757, 110/2,023 (96.8 %, 5.4 %); 52 (training batch 54, a rule)
    # 754/777, 116/2,051 (97.0 %, 5.7 %); 53 (training batch 55, no rule) 772/797, 119/2,079
    # (96.9 %, 5.7 %); 54 (training batch 56, its rules) 793/817, 121/2,107 (97.1 %, 5.7 %); 55
    # (training batch 57, a rule) 812/837, 117/2,135 (97.0 %, 5.5 %); 56 (training batch 58, a
    # rule) 833/857, 121/2,163 (97.2 %, 5.6 %); 57 (training batch 59, its rules) 853/877,
    # 123/2,191 (97.3 %, 5.6 %); 58 (training batch 60, a rule) 871/897, 127/2,219 (97.1 %,
    # 5.7 %); 59 (training batch 61, a rule) 891/917, 129/2,247 (97.2 %, 5.7 %); 60 (training
    # batch 62, a rule) 910/937, 131/2,275 (97.1 %, 5.8 %); 61 (training batch 63, no rule)
    # 932/957, 131/2,303 (97.4 %, 5.7 %).
    scores = triage_evaluate(current_model())
    assert scores.risk_recall >= 0.95
    assert scores.false_alarms <= 0.08


def test_a_second_report_of_the_same_leak_is_offered_for_merging(client, world):
    home = RoleAssignment.objects.get(user=world.resident, role=Role.RESIDENT).household
    first = case_report(
        by=world.resident, description="三单元楼道的水管爆了，水一直往下流", household=home
    )
    second = case_report(
        by=world.buildinghead,
        description="三单元楼道水管爆了，水往下流了一地",
        source="patrol",
        household=home,
    )
    unrelated = case_report(
        by=world.resident, description="想咨询一下高龄补贴怎么申请", household=home
    )
    from linli.triage.services import similar_cases

    found = [c.pk for c, _score in similar_cases(case=second)]
    assert found[0] == first.pk and unrelated.pk not in found
    client.force_login(world.buildinghead)
    page = client.get(f"/cases/{second.pk}/").content.decode()
    assert 'data-testid="similar"' in page and f"#{first.pk}" in page


def test_the_quick_feature_row_is_the_one_scikit_learn_computes(db):
    import numpy as np

    model = current_model()
    texts = [
        "楼上漏水漏到我家厨房了，天花板都泡了",
        "建议小区多装几个充电桩 建议小区多装几个充电桩",
        "ABC 电瓶车在楼道充电!!",
        "",
        "龘",  # a character no report in the corpus has
    ]
    for text in texts:
        quick = model.vector(text).toarray()
        slow = model.features.transform([text]).toarray()
        assert quick.shape == slow.shape
        assert np.allclose(quick, slow), text


def test_each_field_is_proposed_from_the_regression_and_naive_bayes_together(db):
    # The quick arithmetic must give what scikit-learn's own predict_proba gives, with the
    # two models' classes in the same order; and a model saved before naive Bayes was
    # added (no `bayes`, no `category_routes`) still proposes, from its regression alone.
    import copy

    import numpy as np

    from linli.triage.classifier import BAYES_FIELDS, BAYES_SHARE

    model = current_model()
    matrix = model.vector("楼上漏水漏到我家厨房了，天花板都泡了")
    assert set(BAYES_FIELDS) == {"category", "timeframe", "risk"}
    assert np.allclose(
        model._field_probabilities("route", matrix), model.models["route"].predict_proba(matrix)[0]
    )
    for field in BAYES_FIELDS:
        regression, bayes = model.models[field], model.bayes[field]
        assert list(regression.classes_) == list(bayes.classes_)
        expected = (1 - BAYES_SHARE) * regression.predict_proba(matrix)[0]
        expected += BAYES_SHARE * bayes.predict_proba(matrix)[0]
        assert np.allclose(model._field_probabilities(field, matrix), expected), field
    older = copy.copy(model)  # its own __dict__, the same fitted parts
    del older.__dict__["bayes"], older.__dict__["risk_threshold"]
    del older.__dict__["category_routes"]  # nor the routes each category takes
    proposal = older.propose("楼上漏水漏到我家厨房了，天花板都泡了")
    assert proposal.category in {"dispute", "facility"} and proposal.route in {"assist", "joint"}
    assert np.allclose(
        older._field_probabilities("category", matrix),
        model.models["category"].predict_proba(matrix)[0],
    )
    # ...with the threshold chosen for the regression alone (0.4); a model saved since keeps
    # the threshold it was saved with (0.3 from naive Bayes's joining until stop 36): a
    # report put between the two is no alarm for the first, but is for the second.
    older.risk_probability = lambda _matrix: 0.35
    assert not older.propose("楼道里的灯坏了").risk
    saved_at_0_3 = copy.copy(model)
    saved_at_0_3.risk_threshold = 0.3
    saved_at_0_3.risk_probability = lambda _matrix: 0.35
    assert saved_at_0_3.propose("楼道里的灯坏了").risk


def test_a_supposed_fire_is_no_alarm_but_fear_and_a_real_fire_are():
    from linli.triage.classifier import risk_signal

    assert risk_signal("楼道里堆满纸箱，万一着火跑都跑不出去") is None
    assert risk_signal("以前燃气泄漏过一次，想装个燃气报警器") is None
    assert risk_signal("真的着火了！三楼冒烟") is not None
    assert risk_signal("我好怕他拿刀砍我") is not None
    assert risk_signal("上次他拿刀砍我，今天又来了") is not None


def test_the_reason_on_the_case_page_is_in_words_not_codes(db):
    from django.utils import translation

    from linli.triage.services import triage_reason_text

    reason = "risk:missing「三天没出门」; livelihood:独居、出门; elderly_care「独居」; route:usual assist"
    with translation.override("zh-hans"):
        text = triage_reason_text(reason)
    assert "三天没出门" in text and "独居、出门" in text
    for code in ("missing", "livelihood", "elderly_care", "route", "assist"):
        assert code not in text
    assert "民生服务" in text and "协办" in text
    with translation.override("en"):
        assert "a person possibly missing" in triage_reason_text(reason)
    assert triage_reason_text("something new") == "something new"


def test_the_words_a_proposal_names_as_its_reason_are_each_named_once(db):
    """The grid worker reading "安全隐患：冲走、下来、下来" learns nothing from the second 下来: a
    character pair and the jieba word read the same."""
    proposal = current_model().propose("山洪下来了，村口桥上有个孩子被冲走了")
    evidence = proposal.reason.split("; ")[1].split(":", 1)[1].split("、")
    assert evidence and len(evidence) == len(set(evidence))


def test_the_words_a_proposal_names_as_its_reason_are_whole_words_that_say_something(db):
    """A grid worker reading "环境卫生：没人清、圾、垃" sees half a word twice, and one reading
    "安全隐患：看不见、井盖、一个" or "民生服务：医保、想、孩子" a word every sentence has; the
    words of the report that say why are named instead."""
    model = current_model()

    def named(text: str) -> list[str]:
        proposal = model.propose(text)
        return proposal.reason.split("; ")[0].split(":", 1)[1].split("、")

    rubbish = named("垃圾桶满了好几天没人清")
    assert "垃" not in rubbish and "圾" not in rubbish and "垃圾桶" in rubbish, rubbish
    said_anywhere = {"一个", "想", "我", "我们", "就是", "下", "能", "要", "他们"}
    for text in (
        "路边的井盖没了，黑乎乎一个洞，晚上看不见很危险",
        "想给孩子办医保，不知道在哪办",
        "桥下的护坡塌了一块，下面就是人行道",
        "我老公喝了酒就摔东西骂人，我实在受不了想找人评评理",
        "公司拖欠工资三个月了，老板说没钱，我们该咋办",
    ):
        words = named(text)
        assert len(words) == 3 and not said_anywhere & set(words), (text, words)
    # No word named begins or ends halfway through a word of the report (的垃, 巡查发).
    import jieba

    for text in ("站前广场的垃圾桶都满了", "巡查发现：糖厂蔗渣堆场未配置消防设施"):
        tokens = jieba.lcut(text)
        ends = {sum(len(t) for t in tokens[:i]) for i in range(len(tokens) + 1)}
        for word in named(text):
            start = text.index(word)
            assert start in ends and start + len(word) in ends, (text, word, tokens)


def test_the_words_a_proposal_names_as_its_reason_hold_no_punctuation(db):
    """The community worker checking a proposal reads "民生服务：老周、叫、，叫"; the
    character pair "，叫" is a comma and half a word, not a reason."""
    proposal = current_model().propose("隔壁老周倒在自家门口，手里的菜撒了一地，叫他也不答应")
    words = proposal.reason.split("; ")[1].split(":", 1)[1].split("、")
    assert words and all(w and not any(c in w for c in "，。！？、 ,.!?") for w in words), words


def test_a_saved_model_trained_with_other_feature_weights_is_read_with_its_own(db):
    # A community's retrained model on disk keeps the weights it was trained with; a
    # release that changes FEATURE_WEIGHTS must not skew its rows.
    import numpy as np

    from linli.triage.classifier import TriageModel, shipped_examples

    model = TriageModel()
    model.features.transformer_weights = None  # as models were trained before the weights
    model.fit(shipped_examples()[:200])
    text = "楼上漏水漏到我家厨房了，天花板都泡了"
    assert np.allclose(model.vector(text).toarray(), model.features.transform([text]).toarray())


def test_someone_trapped_is_a_risk_but_a_lift_that_is_merely_stuck_is_not():
    from linli.triage.classifier import risk_signal

    for text in ("电梯困人了，里面有个老人说胸口疼", "车库进水了，还有人被困在里面"):
        signal = risk_signal(text)
        assert signal is not None and signal[0] == "trapped", text
    assert risk_signal("电梯又坏了，停在五楼不动") is None
    assert risk_signal("外墙裂了一条缝，下雨往里渗水") is None


def test_a_restarted_server_proposes_from_the_saved_shipped_model_without_training(
    db, settings, tmp_path, monkeypatch
):
    from linli.triage import classifier

    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(classifier, "_current", {})
    first = classifier.current_model().propose("楼道里电动车充电拉飞线")
    assert classifier.shipped_model_path().exists()

    def no_training(self, examples):
        raise AssertionError("trained again")

    monkeypatch.setattr(classifier, "_current", {})  # a new process
    monkeypatch.setattr(classifier.TriageModel, "fit", no_training)
    again = classifier.current_model().propose("楼道里电动车充电拉飞线")
    assert again.category == first.category == "safety"


def test_a_changed_corpus_is_trained_anew_instead_of_loading_the_saved_model(
    db, settings, tmp_path, monkeypatch
):
    from linli.triage import classifier

    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(classifier, "_current", {})
    classifier.current_model()
    before = classifier.shipped_model_path()
    corpus = tmp_path / "data"
    corpus.mkdir()
    for part in classifier.DATA.iterdir():
        (corpus / part.name).write_bytes(part.read_bytes())
    with (corpus / "train.tsv").open("a", encoding="utf-8") as f:
        f.write("楼顶的太阳能热水器支架锈断了，随时会掉下来\tsafety\tco\timmediate\t0\n")
    monkeypatch.setattr(classifier, "DATA", corpus)
    monkeypatch.setattr(classifier, "_current", {})
    classifier.current_model()
    after = classifier.shipped_model_path()
    assert after != before and after.exists() and not before.exists()


def test_a_patrol_note_in_formal_words_raises_the_kind_of_risk_it_describes():
    """Grid workers write 燃气异味 and 呼唤无反应, not 煤气味 and 叫不醒; a gas smell behind
    an unanswered door is a gas hazard first, so the case is proposed as a safety hazard."""
    from linli.triage.classifier import current_model, risk_signal

    for text, kind in (
        ("巡查至5栋时闻到楼道内有明显燃气异味，敲门无人应答", "gas_fire"),
        ("巡查发现一名老人倒在单元门口，呼唤无反应", "collapse"),
        ("市民来电称其邻居已五天未露面", "missing"),
        ("两名男子在小区门口互殴", "violence"),
    ):
        signal = risk_signal(text)
        assert signal is not None and signal[0] == kind, (text, signal)
    proposal = current_model().propose("巡查至5栋时闻到楼道内有明显燃气异味，敲门无人应答")
    assert proposal.risk and proposal.category == "safety"
    # Everyday complaints in the same words are no alarm.
    for text in (
        "燃气公司上门安检说我家燃气软管老化了，让尽快换",
        "工单已五日未见处理，物业一直未回复",
        "我叫他不应该在楼道堆东西，他不听",
        "门口路面沉下去了一块",
        "物业说上午来修，到现在还没见人",
    ):
        assert risk_signal(text) is None, text


def test_a_report_typed_or_spoken_on_a_phone_raises_the_risk_it_describes():
    """Building heads type with a pinyin keyboard (燃汽 for 燃气) or speak into the phone (no
    punctuation); rubbish dumped by the road is no person lying there."""
    from linli.triage.classifier import current_model, risk_signal

    for text, kind in (
        ("我闻到好大一股燃汽味就在二楼楼梯那里", "gas_fire"),
        ("楼下地下室里煤汽味很重", "gas_fire"),
        ("隔壁小孩被关在阳台上哭了一个多钟头了大冷天只穿了件单衣", "trapped"),
        ("我活着也没什么意思了", "self_harm"),
        ("有个大爷倒在路边一动不动", "collapse"),
    ):
        signal = risk_signal(text)
        assert signal is not None and signal[0] == kind, (text, signal)
    proposal = current_model().propose("隔壁小孩被关在阳台上哭了一个多钟头了大冷天只穿了件单衣")
    assert proposal.risk and proposal.category == "livelihood"
    for text in (
        "隔壁楼装修的渣土直接倒在路边好几天了",
        "孩子放学回来钥匙忘带了被锁在门外，在邻居家等着",
    ):
        assert risk_signal(text) is None, text


def test_a_gas_smell_behind_a_door_nobody_answers_is_proposed_as_a_gas_hazard():
    """Whichever rule line comes first in the file, gas names the risk: the case goes to the
    safety hazards, and the reason the worker reads says gas."""
    from linli.triage.classifier import current_model, risk_signal

    for text in ("我家隔壁一股很重的煤气味，敲门也没人开", "敲门没人应，门缝里有燃气味"):
        signal = risk_signal(text)
        assert signal is not None and signal[0] == "gas_fire", (text, signal)
        proposal = current_model().propose(text)
        assert proposal.risk and proposal.category == "safety", text
    signal = risk_signal("敲门没人应，三天没见她出门了")
    assert signal is not None and signal[0] == "missing"


def assert_signals(expected: tuple[tuple[str, str | None], ...]) -> None:
    """Each text raises the risk kind named beside it (None: no alarm)."""
    from linli.triage.classifier import risk_signal

    for text, kind in expected:
        signal = risk_signal(text)
        assert (signal and signal[0]) == kind, (text, signal)


def assert_risk_proposals(expected: tuple[tuple[str, str, str], ...]) -> None:
    """Each text is proposed as a risk to act on now, of the kind and in the category beside it."""
    from linli.triage.classifier import current_model

    for text, kind, category in expected:
        proposal = current_model().propose(text)
        assert proposal.risk and proposal.timeframe == "immediate", text
        assert proposal.reason.startswith(f"risk:{kind}「"), (text, proposal.reason)
        assert proposal.category == category, (text, proposal.category)


def assert_no_alarm_because(text: str, reason: str, shown: str) -> None:
    """The model's alarm for the text is held back: the proposal is no risk, its reason
    starts with the code given, and the person triaging reads that code as `shown`."""
    from django.utils import translation

    from linli.triage.classifier import current_model
    from linli.triage.services import triage_reason_text

    proposal = current_model().propose(text)
    assert not proposal.risk, text
    assert proposal.reason.startswith(reason), proposal.reason
    with translation.override("zh-hans"):
        assert triage_reason_text(reason) == shown


def test_water_at_live_electrics_is_an_alarm_but_a_tripped_switch_or_a_loud_bar_is_not(db):
    """A building head who sees rain pouring into the meter box needs the power cut now;
    one whose plug sparked and tripped the switch, or who is "annoyed to death" by a
    karaoke bar, needs a visit, not the duty phone at midnight."""
    from django.utils import translation

    from linli.triage.services import triage_reason_text

    with translation.override("zh-hans"):  # what the case page says
        assert (
            triage_reason_text("risk:electric「水漫到配电箱」")
            == "风险：积水漫到带电设施「水漫到配电箱」"
        )
    assert_signals(
        (
            ("车库的积水已经漫到配电房门口了，里面还有电", "electric"),
            ("我家插座里进水了，插头还插着，没人敢去拔", "electric"),
            ("马路边断了一根电线，掉在水坑里", "electric"),
            ("电水壶一插上就跳闸，换了插座也一样", None),
            ("隔壁麻将馆天天打到半夜，吵得我都想死", None),
            ("上个月配电箱进过水，后来供电所来处理好了，想问以后怎么防", None),
            ("他说要跳，人已经站到楼顶边上了", "self_harm"),
            ("房东推了我一把，还要砸我的东西", "violence"),
            ("邻居家孩子爬到窗外的空调外机上了", "trapped"),
        )
    )


def test_a_car_stalled_in_flood_water_or_washing_set_alight_is_an_alarm_but_a_stove_that_will_not_light_is_not():
    """A volunteer in a rainstorm who sees a driver still sitting in a car in the
    underpass, or a firework that set a balcony's washing alight, needs help sent now; a
    resident whose stove will not light, or who says the waste-sorting warden "stands by
    the bins", does not."""
    assert_signals(
        (
            ("桥洞底下积水到车窗了，司机还坐在车里出不来", "trapped"),
            ("烟花掉到阳台上，把被子烧着了", "gas_fire"),
            ("楼道里那堆纸箱还冒着烟", "gas_fire"),
            ("厨房的灶打不着火，物业说是电池没电了", None),
            ("保洁阿姨每天站在垃圾桶边上盯着大家分类", None),
            ("那个人站在桥边上往下看了好久", "self_harm"),
        )
    )


def test_a_risk_that_is_over_feared_or_habitual_is_no_alarm_but_one_going_on_is():
    """A building head reporting yesterday's fire asks for the soot to be cleaned, not for
    a fire engine; one saying the lost neighbour is still not back needs everyone now."""
    assert_signals(
        (
            ("厨房着火了，火已经灭了，想找物业看看烧坏的线", None),
            ("老人走丢了两个小时，刚刚已经找到了", None),
            ("刚才对门吵得很凶，我还以为要打起来了，结果十分钟就散了", None),
            ("我说不想活了是开玩笑的，就是想让他们重视楼上漏水", None),
            ("楼下大爷天天在楼道里吸烟，烟头乱扔，我怕着火", None),
            ("楼下的烧烤摊天天冒烟，我家衣服都晾不了", None),
            ("消防车道上停满了车，真着火了车都进不来", None),
            ("老人走丢了，现在还没回来", "missing"),
            ("真的着火了！三楼冒烟", "gas_fire"),
            ("着火了怎么办啊快来人", "gas_fire"),
            ("他说他没事，可是叫不醒", "collapse"),
            ("他天天打孩子，今天又打了", "violence"),
            ("同学说不想活了，不知道是不是开玩笑", "self_harm"),
            ("他说要弄死我，不是开玩笑的", "violence"),
            # Checked and found safe, a fire some day, a fall that happened before...
            ("前几天闻到有点煤气味，燃气公司来查过说没事，想再确认一下", None),
            ("我总担心楼下那几个充电桩哪天会着火", None),
            ("王奶奶上个月在家里晕倒过一次，想请社区常去看看", None),
            # ...but a smell checked and still there, and someone fainting away now, are not.
            ("燃气公司来查过，现在又是一股煤气味", "gas_fire"),
            ("老人在菜市场晕倒过去了，叫他没反应", "collapse"),
        )
    )


def test_a_child_fallen_into_a_drain_or_a_person_bleeding_on_the_ground_is_an_alarm_but_a_dropped_key_is_not():
    """A building head who sees a child down an uncovered manhole, or a man lying in the road
    losing blood, needs help sent now; keys dropped down a drain and a nosebleed that
    stopped do not."""
    assert_signals(
        (
            ("楼下有个娃掉进没盖的窨井里了", "trapped"),
            ("路口有个骑车的被撞倒在马路上，流了一大滩血", "collapse"),
            ("钥匙掉进下水道里了，物业能不能帮忙捞一下", None),
            ("孩子早上流鼻血，一会儿就止住了", None),
            ("孩子在商场走丢了快一个小时了", "missing"),
            ("老太太倒在楼梯上，叫她名字不睁眼", "collapse"),
            ("工人的腿压在钢管底下动不了", "trapped"),
            ("女的说再逼我我就带着孩子一起死", "self_harm"),
            ("胡同里有人抢包", "violence"),
            ("孩子上个月在商场走丢过一回，想办个定位手表", None),
        )
    )


def test_something_about_to_fall_on_people_a_fit_with_a_fever_or_a_child_swept_away_is_an_alarm():
    """A grid worker who hears of a billboard hanging loose over a crowded bus stop, a wall
    come down beside a block people still live in, a child in a fit with a fever, a fire
    moving towards houses, a child swept away by a flood, a bang at a transformer, a
    mother alone who has fallen, or old people handing over their bank cards with the
    passwords, sends help now."""
    assert_signals(
        (
            ("广告牌被风吹得快掉下来了，底下全是等车的人", "trapped"),
            ("后山的护坡塌了一大块，坡下那幢楼还住着人", "trapped"),
            ("孙子发高烧抽搐了，家里就我一个老太婆", "collapse"),
            ("田里烧的秸秆火往村口那几户的房子那边烧过去了", "gas_fire"),
            ("山洪下来了，桥上有个孩子被冲走了", "trapped"),
            ("涨水了，两个放牛的被困在河中间的沙洲上", "trapped"),
            ("孩子从隔壁跑出来求救，说他爸在打他妈", "violence"),
            ("小区的变压器砰的一声，整个小区都黑了", "electric"),
            ("我妈一个人在家里摔了，电话里说动不了", "collapse"),
            ("有人说帮老人办补贴，让大家把银行卡和密码交给他", "fraud"),
        )
    )


def test_something_swaying_over_people_now_a_child_stuck_up_high_or_a_shut_stove_room_is_an_alarm():
    """A building head who sees a loose awning swaying over a queue, a grandson who climbed
    a tree and cannot get down, or a bungalow heated with coal, shut up, where no one
    answers the door, calls for help now; a shelter that shakes over where children wait
    every morning, or advice to leave a window open by the stove, is not an alarm."""
    assert_signals(
        (
            ("食堂门口的雨棚松了一直在晃，下面正排着队打饭", "trapped"),
            ("孙子爬到院里那棵大树上去了，这会儿下不来了，吓得直哭", "trapped"),
            ("车棚的顶棚有点晃，下面每天都站满等校车的孩子", None),
            ("她家平房烧着蜂窝煤，门窗关得严严实实的，一上午敲门没人应", "gas_fire"),
            ("冬天家里烧炉子，门窗要留条缝", None),
        )
    )


def test_someone_pinned_or_struck_by_a_fall_or_a_child_locked_in_a_car_is_an_alarm_but_a_denied_fire_is_not():
    """A reversing car on an old man's foot, a shelf fallen onto a child, a billboard
    blown down onto people at a bus stop, a toddler crying in a locked car in the sun, a
    roof sheet flapping over people still beneath it, or a fireworks workshop that has just
    blown up calls for help now; a flower pot that could fall one day, a burning smell
    checked with no smoke and no fire, a breaker that trips whenever the load comes, a
    chimney not smoking, or someone "exploding" with anger, is not an alarm."""
    assert_signals(
        (
            ("倒车的时候把路边老大爷的脚给压住了，司机还没下来", "trapped"),
            ("超市门口的货架倒了砸着孩子了", "trapped"),
            ("村头的鞭炮作坊炸了，玻璃碎了一地", "gas_fire"),
            ("他把我的话一转述，我都气炸了", None),
            ("广告牌被风刮下来，砸到了底下等车的人", "trapped"),
            ("停车场一辆车里关着个小孩在哭，车窗都关着，太阳晒得烫手", "trapped"),
            ("棚顶的铁皮被风掀起来了，底下七八个人在躲雨", "trapped"),
            ("车棚顶被大风掀开了在来回翻，楼下还有人在推车", "trapped"),
            ("阳台的花盆有点松，下面有人经过的时候怕掉下来", None),
            ("阳台上那盆花放在栏杆外头，掉下来要砸到人", None),
            ("半夜闻到焦糊味，到处看了看，没烟也没火，是楼下在熬糖", None),
            ("小区的电闸一开空调就跳，楼里天天停电", None),
            ("隔壁的烟囱今天没冒烟，他们一家回老家过年了", None),
        )
    )


def test_a_snake_bite_a_car_in_a_crowd_a_child_not_home_at_night_or_a_second_demand_for_money_is_an_alarm():
    """An old man bitten by a snake in his vegetable plot, a van driven into a square of
    dancers, a mixer lorry with failed brakes rolling towards a market, a fallen wire
    throwing sparks, a daughter not home hours after leaving a friend's, a door no one
    opens with the radio on inside, or a fee paid and a bigger one asked calls for help
    now; a snake bite treated last month, a husband out drinking late again, a refund on
    its way, brakes to be mended, a repair that needs three more days, a second fee on a bill,
    or a mother who ran into a crowd and found her child, is not an alarm."""
    assert_signals(
        (
            ("我家老头在菜地里被蛇咬了，腿一下子就肿起来了", "collapse"),
            ("一辆面包车失控冲进了广场跳舞的人群里", "trapped"),
            ("一辆水泥罐车刹车失灵，顺着坡往菜市场那边溜", "trapped"),
            ("路口的电线断了一根掉在地上，噼里啪啦地打火", "electric"),
            ("女儿在同学家写作业，同学妈妈说她六点就走了，这会儿九点了还没到家", "missing"),
            ("楼下独居的老爷子，我去敲门，屋里只有收音机在响，就是没人来开", "missing"),
            ("说交三千就能贷款，我刚转过去，对方又要五千块保证金", "fraud"),
            ("上个月在田里被蛇咬过，打了针早就好了，想问问有没有补助", None),
            ("我老公都十一点了还没回家，又在外面喝酒打牌", None),
            ("网上买的东西退了款，钱转过去了，对方说会退回来", None),
            ("电动车刹车不灵了，想问问附近哪里能修", None),
            ("打了好几次电话，物业说还要三天才能修好", None),
            ("交了物业费，还要交两百块垃圾清运费", None),
            ("孩子在庙会上走散了，我冲进人群里找了半天，已经找到了", None),
        )
    )


def test_a_kiln_house_blown_up_bricks_falling_on_children_passing_or_fire_through_a_crack_is_an_alarm():
    """A kiln house that has blown up, bricks coming down off a chimney onto a lane where
    children are passing right now, or flames through a crack in a stove is an alarm; a
    kiln load of pots cracked in the firing, tiles shedding over a path no one is named on,
    a crack in a wall to be looked at, or someone fuming, is not."""
    assert_signals(
        (
            ("刚才村东头的窑房爆了，屋顶都掀了", "gas_fire"),
            ("水塔上的水泥块一直往下掉，下面正有一群孩子在踢球", "trapped"),
            ("炉膛侧面裂了个口子，往外直蹿火", "gas_fire"),
            ("这一窑的坯全炸了，白烧了三天", None),
            ("外墙瓷砖一块块往下掉，楼下就是进出的路", None),
            ("卧室墙上裂了一条缝，想请人来看看要不要紧", None),
            ("看到那条裂缝他就冒火，骂了物业一下午", None),
        )
    )


def test_a_gun_brought_out_cards_handed_to_a_stranger_fire_by_explosives_or_a_bus_cut_off_by_a_landslip_is_an_alarm():
    """A neighbour who fetched his shotgun in a quarrel, a man collecting the old people's
    bank cards in the courtyard, someone burning paper beside a fireworks store, a man gone
    under the water, or a bus trapped by a landslip is an alarm; a child with a water
    pistol, an air gun for birds, a son who took his mother's passbook, a petrol station's
    opening hours, or a road buried by a landslip with no one on it, is not."""
    assert_signals(
        (
            ("两家为了宅基地吵起来，老张回屋拿出了猎枪", "violence"),
            ("有个人挨家挨户说能办高龄补贴，让老人先把身份证和银行卡都交给他统一登记", "fraud"),
            ("烟花仓库门口有几个人在烧纸", "gas_fire"),
            ("钓鱼的那个人脚一滑，人沉水里去了", "trapped"),
            ("山上滑坡了，下山的那辆客车被困在半路上", "trapped"),
            ("楼下小孩拿着水枪滋人，衣服都湿了", None),
            ("有人拿着气枪在林子里打鸟", None),
            ("我是楼栋长，王奶奶说她儿子把存折拿走了不给她钱用", None),
            ("加油站旁边那家饭馆什么时候开门", None),
            ("塌方把去村里的路埋了一半，想问问什么时候能修通", None),
        )
    )


def test_someone_fallen_at_a_door_on_stairs_or_in_a_field_is_an_alarm_but_someone_resting_is_not():
    """An old man fallen at his door, a neighbour on the stairs, a worker collapsed in the
    field is someone who may need help now; an old woman lying in the yard in the sun, a
    son dropping onto his bed after a night shift, or rubbish tipped at a door, is not."""
    assert_signals(
        (
            ("隔壁老周倒在自家门口，手里的菜撒了一地", "collapse"),
            ("三楼的阿姨摔倒在楼梯上了", "collapse"),
            ("割麦子的大爷一头栽在地里", "collapse"),
            ("老太太天天躺在院子里晒太阳，也不爱说话", None),
            ("儿子上完夜班回来倒在床上就睡", None),
            ("他把垃圾倒在我家门口，说了好几次也不听", None),
        )
    )


def test_charcoal_burnt_alone_is_an_alarm_but_charcoal_for_heat_or_silkworms_is_not():
    """A man who shut himself in with burning charcoal is an alarm; charcoal burnt to warm
    a room or rear silkworms, as every household does, is a matter of ventilation for
    working hours (a room already shut with someone not answering is caught as a collapse)."""
    assert_signals(
        (
            ("他失业以后一个人在家烧炭，门缝都用胶带封上了", "self_harm"),
            ("冬天好多老人在屋里烧炭取暖，想请社区讲讲通风", None),
            ("春蚕一上簇，家家户户烧炭加温", None),
        )
    )


def test_water_pouring_in_where_people_still_are_is_an_alarm():
    """Flood water coming into a basement while people are still down there is an alarm;
    a leak that ruined a ceiling, with the owner still away, is for working hours."""
    assert_signals(
        (
            ("河水漫进了地下室，还有人在下面搬东西", "trapped"),
            ("楼上漏水把我家天花板泡了，房东说还有人在外地，过几天才能来修", None),
        )
    )


def test_a_seeping_dyke_over_people_someone_poisoned_now_or_yellow_smoke_is_an_alarm():
    """A river dyke seeping with families still in the houses below, a child who ate
    berries and is poisoned now, or a factory's yellow smoke is an alarm; a dam that
    seeped last year and was mended, a seep someone wants looked at, or a poisoning in
    the past, is not."""
    assert_signals(
        (
            ("河堤东头开始管涌了，堤脚下那几户人家还住着", "trapped"),
            ("小孩在山上摘野果吃，中毒了，吐得厉害", "collapse"),
            ("化工厂烟囱突然冒黄烟，闻着呛嗓子", "gas_fire"),
            ("去年水库大坝渗过水，后来修好了，想问问今年查过没有", None),
            ("村口那段河堤有一处渗水，想请水利站来看看", None),
            ("他年轻时吃野蘑菇中过毒，现在一见蘑菇就怕", None),
        )
    )


def test_a_lorry_that_cannot_stop_running_on_is_an_alarm_but_a_near_miss_is_not():
    """A lorry that could not stop on the slope and ran into the market is an alarm; one that
    nearly hit a cyclist and stopped is a road-safety matter for working hours."""
    assert_signals(
        (
            ("拉土的货车下坡刹不住，直接冲到了学校门口", "trapped"),
            ("那个坡太陡，电动车下来刹不住，差点撞上骑车的", None),
        )
    )


def test_someone_missing_from_a_daily_round_or_a_fine_taken_in_cash_by_self_styled_inspectors_is_an_alarm():
    """An old man not at the canteen for three days, a neighbour who has not come down for
    her vegetables, a knock on the window nobody answers, and men calling themselves
    inspectors who are being paid a cash fine now are for someone at once; the writer's
    own days away, an inspection fine refused, or one told of afterwards, are not."""
    assert_signals(
        (
            ("看大门的老张三天没去食堂打饭了，门卫室的灯一直亮着", "missing"),
            ("对门的刘奶奶两天没下来买菜了，她儿子在外地", "missing"),
            ("一楼的老李家窗帘拉着，敲窗户没人应", "missing"),
            (
                "来了两个自称消防检查的，说店里不合格要罚五千，只收现金，老板这会儿正点钱给他们",
                "fraud",
            ),
            ("食堂的饭太咸，我三天没去打饭了，想提个意见", None),
            ("上个月有两个说是环保督查的来要罚款，我们没给，后来才知道是骗子", None),
            ("说是城管执法，罚了两百块，开了票，想问问这个罚得对不对", None),
            ("说是城管的，要罚款两百，现在把我的秤拿走了", None),
        )
    )


def test_a_woodpile_or_curtains_left_untouched_for_days_is_an_alarm_but_a_car_or_bins_are_not():
    """What someone living alone moves every day, left as it was for days, is the sign a
    neighbour sees first; a car parked for days or bins not emptied are for working hours."""
    assert_signals(
        (
            ("零下二十度，后院那个独居老汉门口的柴火垛三天没动过", "missing"),
            ("对面楼独居的阿姨，窗帘三天没拉开了，喊她也听不见", "missing"),
            ("楼下那辆车三天没动过，占着消防通道", None),
            ("单元门口的垃圾桶三天没收了，臭得很", None),
        )
    )


def test_a_fee_for_a_place_in_the_queue_being_paid_now_is_an_alarm_but_one_told_of_later_is_not():
    """Someone going door to door for a fee that buys a place in the first batch, while old
    people are paying it, is fraud under way; the same fee asked about, or paid last month,
    is for the legal desk in working hours."""
    assert_signals(
        (
            ("有人上门说交三百块就能先领补贴，楼里几个老人这会儿正排队交", "fraud"),
            ("村口有人收钱，说交五百就可以办进第一批，大家都在掏钱", "fraud"),
            ("听说交两百就能排进第一批，是真的吗，想问问社区", None),
            ("上个月有人说交两百就能排进第一批，我交了，到现在没消息", None),
        )
    )


def test_a_vehicle_rolling_back_onto_people_or_a_second_payment_on_its_way_is_an_alarm():
    """A lorry rolling back down a slope with people behind it, and a man on his way to the
    bank after the seller took a deposit and pressed for more, are for someone at once; a
    slope where lorries might roll, or a bill pressed for with nobody paying, are not."""
    assert_signals(
        (
            ("运菜的三轮车在坡上往后溜，底下正好有几个放学的孩子", "trapped"),
            ("网上买的化肥付了一千，对方又要运费，我妈这会儿骑车去信用社取钱了", "fraud"),
            ("那个坡太陡，货车停在上面总让人担心会溜车", None),
            ("物业又催物业费了，说再不交就停水", None),
        )
    )


def test_wiring_sparking_now_is_an_alarm_but_wiring_that_sparks_in_the_rain_is_not():
    """A socket sparking now beside dry leaf is for someone at once; wiring that sparks
    whenever it rains is a hazard for the electrician in working hours."""
    assert_signals(
        (
            ("楼道里的插座正在打火，旁边堆着纸箱子", "gas_fire"),
            ("院里的线头一下雨就打火，想请电工来看看", None),
        )
    )


def test_not_done_since_with_guo_is_still_an_alarm_but_done_once_before_is_not():
    """过 after a risk word tells of something that happened before (晕倒过一次); after a
    negated one it says the thing has not happened since — an old man who has not been out
    for three days is still missing."""
    assert_signals(
        (
            ("对门的独居老人三天没出门过了", "missing"),
            ("楼上的王奶奶好几天没下楼过，她一个人住", "missing"),
            ("王奶奶上个月在家里晕倒过一次，想请社区常去看看", None),
        )
    )


def test_a_fall_into_a_pit_a_poison_drunk_or_a_person_held_under_a_load_is_an_alarm():
    """Who fell may be named in the clause before (一个孩子钻过围挡，掉进了基坑里); a poison
    drunk is an emergency whether it is named before or after the drinking; someone held
    under a lorry's body is trapped. A child's ball in a drain, a car under a fallen tree,
    medicine drunk and a warning about spraying are not."""
    assert_signals(
        (
            ("一个孩子钻过工地的围挡，掉进了桥墩的基坑里，坑底全是水", "trapped"),
            ("种菇的老汉当着大家的面端起熏棚用的药水就喝了一口", "collapse"),
            ("他跟老婆吵完架，把一瓶百草枯喝了下去", "collapse"),
            ("邻居大姐说她刚才喝了半瓶除草剂", "collapse"),
            ("拉石头的车翻了，司机被压在了车底下", "trapped"),
            ("孩子的皮球滚过马路，掉进了下水道里", None),
            ("他的车被压在了倒下的树底下，人没事", None),
            ("孩子感冒了，早上喝了药水就睡了", None),
            ("喷药水的时候别喝水，喝了容易中毒", None),
        )
    )


def test_despair_said_once_and_recovered_from_is_no_alarm_but_despair_back_again_is():
    """说过不想活了 followed by 现在好多了 is a history for a caring visit, not an emergency;
    the same words followed by 又不吃饭了, or by a person who cannot be found, are."""
    assert_signals(
        (
            ("那个被骗的药商前些天说过不想活了，家里人一直陪着他，现在好多了", None),
            ("那段时间我爸说过不想活了，现在缓过来了，就想问问钱能不能要回来", None),
            ("他上个月说过不想活，这两天又不吃饭了", "self_harm"),
            ("她说过不想活了，现在人找不到了", "self_harm"),
            ("我妈说过好几次不想活了，今天一直在哭", "self_harm"),
        )
    )


def test_someone_shut_in_and_not_let_out_is_an_alarm_but_a_door_locked_against_callers_is_not():
    """A woman whose driver locked the doors and will not let her out is held against her
    will now; a door locked to keep people out is a quarrel for working hours."""
    assert_signals(
        (
            ("黑车司机走到半路，把车门锁了不让下，她偷偷给我们发了定位", "violence"),
            ("老板把宿舍的门反锁了，不让我们出去，说干完活才放人", "violence"),
            ("物业把单元门锁了不让进，说我们没交物业费", None),
            ("我家孩子把房门锁了不让我进去", None),
        )
    )


def test_smoke_wished_away_is_no_alarm_but_smoke_now_is():
    """A wish, "别让它一直冒烟", asks that a smouldering heap be dealt with; "厂房冒烟了，别让孩子进去"
    is a fire now, whatever is asked after it."""
    assert_signals(
        (
            ("建议把矸石山推平了种树，别让它一直冒烟", None),
            ("快来人，厂房冒烟了，别让孩子进去", "gas_fire"),
        )
    )


def test_a_stuffy_place_is_no_alarm_but_a_tight_chest_is():
    """A place, "车库里面闷得喘不过气", is about the air; a chest or a heart 闷得喘不上气 is a
    person who may be collapsing."""
    assert_signals(
        (
            ("地下车库的排风扇坏了，里面闷得喘不过气，一股尾气味", None),
            ("公交车厢里闷得喘不上气，开开窗吧", None),
            ("我爸说他胸口闷得喘不上气，满头是汗", "collapse"),
            ("她说心里闷得喘不过气，手脚发麻", "collapse"),
        )
    )


def test_a_pressure_vessel_blowing_steam_is_an_alarm_but_its_valve_in_a_patrol_list_is_not():
    """A safety valve blowing steam or a gauge pinned at its end is a boiler about to burst;
    a patrol noting that the valve and gauge are due for checking is routine work."""
    assert_signals(
        (
            (
                "灭菌灶的安全阀堵死了，锅盖边一圈往外喷白汽，整口锅都在抖，烧火的人还不知道",
                "gas_fire",
            ),
            ("锅炉房的压力表针已经打到头了，烧锅炉的不在", "gas_fire"),
            ("巡查发现：锅炉安全阀、压力表未按期校验", None),
            ("锅炉的安全阀去年换过，压力表也是新的", None),
        )
    )


def test_a_person_pinned_now_is_an_alarm_but_a_pinned_car_or_a_stuck_door_is_not():
    """Someone under a load (被板材压住了) or with a hand caught (把孩子的手夹住了) needs people
    there now; a car under a fallen tree or a door that sticks is a repair."""
    assert_signals(
        (
            ("有人被板材压住了", "trapped"),
            ("电梯门把孩子的手夹住了，拔不出来", "trapped"),
            ("台风过后小区里倒了好几棵树，压住了两辆车，路也不通", None),
            ("他的车被倒下的树压住了", None),
            ("大堂的自动门坏了，开一半卡住了", None),
            ("柜门的把手卡住了，拉不开", None),
        )
    )


def test_a_crowd_overturning_a_car_is_an_alarm_but_a_storm_or_a_smashed_car_last_night_is_not():
    """A crowd that has turned on a vehicle is a mass incident under way; a car blown over
    by a typhoon, or one smashed overnight, is damage to report."""
    assert_signals(
        (
            (
                "两个村为了塌陷地补偿款怎么分，村口围了上百号人，乡里来的车已经被掀翻了一辆",
                "violence",
            ),
            ("一群人围着城管，把执法车推翻了", "violence"),
            ("台风把停车场的好几辆车掀翻了", None),
            ("我的车昨晚被人砸了，想查查监控", None),
        )
    )


def test_a_cry_for_help_or_blood_after_a_fall_or_in_the_water_is_not_proposed_as_a_fight(db):
    """A building head who hears an old man who slipped in the bathroom calling 救命, a child
    in the river crying for help, or a neighbour bleeding from a fall, needs help sent now,
    and the case must not go to the mediators as a quarrel. A cry in a fight is still one."""
    from django.utils import translation

    from linli.triage.classifier import current_model
    from linli.triage.services import triage_reason_text

    assert_risk_proposals(
        (
            ("老人在卫生间摔倒了，爬不起来，一直在喊救命", "collapse", "livelihood"),
            ("河边有个小孩掉水里了，在喊救命", "hurt", "safety"),
            ("他下楼摔了一跤，头磕破了，流了好多血", "collapse", "livelihood"),
            ("隔壁两口子打起来了，女的在喊救命", "violence", "dispute"),
        )
    )
    river = current_model().propose("河边有个小孩掉水里了，在喊救命")
    with translation.override("zh-hans"):
        assert "有人受伤或呼救「喊救」" in triage_reason_text(river.reason), river.reason


def test_a_person_down_after_a_fall_at_work_a_beating_or_a_shock_is_proposed_where_it_belongs(db):
    """Every one of these is an alarm sent now, but each goes to the people who deal with it:
    a worker fallen from scaffolding or struck by current to the hazards, a man beaten to
    the ground to public order, and an old woman fallen at home or not seen for days to care,
    not all of them to care."""
    assert_risk_proposals(
        (
            ("工地上一个工人从架子上掉下来，躺在地上不动了", "collapse", "safety"),
            ("电工在配电房里被电打了，人躺在地上一动不动", "collapse", "safety"),
            ("十几个人围着一个人打，那人躺在地上一动不动", "collapse", "order"),
            ("老人摔倒在家里起不来", "collapse", "livelihood"),
            ("独居的张奶奶三天没出门了，敲门也没人应", "missing", "livelihood"),
        )
    )


def test_phoning_someone_or_a_butcher_too_weak_to_lift_his_knife_is_no_fight_but_a_beating_is():
    """打她电话 is calling her, and 拿不动刀 is a butcher whose back gave out asking for
    help with money: neither is violence. A husband hitting his wife is."""
    assert_signals(
        (
            ("我在打他电话，一直没人接，他说好今天来修水管的", None),
            ("老屠户腰不好，拿不动刀了，想问问有没有补助", None),
            ("被人追着要账，刚打电话说活不下去了", "self_harm"),
            ("他男人又在打她了，隔着墙都听得见", "violence"),
            ("好几个人追着他打", "violence"),
            ("他喝了酒要动刀", "violence"),
        )
    )


def test_a_fall_the_person_cannot_get_up_from_is_named_a_collapse():
    """A daughter who phones that her mother fell in the bathroom and cannot get up, in
    any of the ways people say it (摔了一跤, 跌倒, 爬不起来, 站不起来), needs the duty staff
    to read "collapse" in the alert, not a bare model estimate; a phone that fell and
    froze, or a fall that is over, is no alarm."""
    assert_signals(
        (
            ("我妈在卫生间摔倒了爬不起来", "collapse"),
            ("隔壁大爷早上出门摔了一跤，站不起来了", "collapse"),
            ("老太太在楼道里跌倒了，起不来，快来人", "collapse"),
            ("我爸摔了个跤，叫他也没反应", "collapse"),
            ("手机摔了一下，屏幕卡着不动了", None),
            ("去年冬天我妈在小区门口摔了一跤起不来，路面结冰到现在也没人管", None),
        )
    )


def test_cut_wrists_in_any_words_are_self_harm_sent_to_care(db):
    """A mother who writes 割脉 (what people say more often than the book word 割腕) or 划了
    自己的手腕 needs the duty staff now and the case with those who look after people, not
    with the legal advisers because blood was mentioned; a welding machine's 切割脉冲 is
    noise from a workshop."""
    assert_risk_proposals(
        (
            ("我闺女割脉了，流了好多血", "self_harm", "livelihood"),
            ("他在卫生间里划了自己的手腕，地上都是血", "self_harm", "livelihood"),
        )
    )
    assert_signals((("楼下的工厂切割脉冲焊机响了一晚上", None),))


def test_everyday_words_for_a_heart_attack_a_drowning_a_lost_elder_or_a_threat_raise_their_alarm():
    """The duty phone must ring, and say why, for 犯心脏病 in a lift (the model alone gives it
    less than its threshold), a child fallen into the river, an old man with dementia who
    has wandered off, a neighbour whose knife is already whetted, a husband who says he
    will strangle his wife, or a man walking about with a watermelon knife; not for a
    chronic illness, a fear of what might happen, a shoe in the river or a question about
    what to do one day."""
    assert_signals(
        (
            ("电梯里有人犯心脏病了", "collapse"),
            ("小孩掉河里了", "trapped"),
            ("老人走失了，有老年痴呆，穿一件蓝棉袄", "missing"),
            ("他说要把那家人全家都弄了，刀都磨好了", "violence"),
            ("我老公喝醉了在家砸东西，说要掐死我", "violence"),
            ("他拎着把西瓜刀在楼下转悠，嘴里骂骂咧咧的", "violence"),
            ("他经常犯癫痫，想问问能不能办残疾证", None),
            ("河边没护栏，怕小孩掉河里", None),
            ("工地的脚手架歪了，担心哪天塌下来压着人", None),
            ("小孩容易掉河里，得装个护栏", None),
            ("孩子的鞋掉河里了", None),
            ("我想问问老人走失了以后社区一般怎么找", None),
        )
    )
    assert current_model().propose("电梯里有人犯心脏病了").risk


def test_despair_said_as_a_question_or_a_password_handed_over_is_self_harm_not_fraud(db):
    """A daughter whose mother told her the passbook's password "since she won't need it"
    is hearing a goodbye, not a scam: the case goes to care, not to the legal advisers.
    活着还有啥意思 is the question form of 活着没意思; 大不了一起死 is 同归于尽 in plain words."""
    assert_risk_proposals(
        (
            ("我妈把存折密码都告诉我了，说以后用不上了", "self_harm", "livelihood"),
            ("活着还有啥意思啊", "self_harm", "livelihood"),
        )
    )
    assert_signals(
        (
            ("这事我跟他没完，大不了一起死", "violence"),
            ("物业告诉我们门禁卡以后不需要了", None),
            ("这个官司我们要跟他们一起死磕到底", None),
        )
    )


def test_last_times_fire_is_a_repair_but_a_fire_again_is_an_alarm():
    """A resident asking when the block that burned last time will be repaired wants a
    date, not the duty phone; one whose block is burning again needs it now."""
    assert_signals(
        (
            ("上次着火的那栋楼什么时候修", None),
            ("上回冒烟的那个配电箱到现在还没换", None),
            ("上次着火没人管，这次又着火了", "gas_fire"),
            ("上次他拿刀砍我，今天又来了", "violence"),
        )
    )


def test_a_child_who_swallowed_a_battery_or_grandmas_pills_raises_an_alarm():
    """A parent whose toddler swallowed a button battery or a handful of blood-pressure
    pills needs help sent now, whatever the model makes of a report that short; a child
    who took the medicine the doctor gave is no alarm."""
    assert_signals(
        (
            ("我家的小孩吞了一颗纽扣电池", "collapse"),
            ("孩子吃了奶奶的降压药，吃了好几片", "collapse"),
            ("宝宝误食了干燥剂", "collapse"),
            ("孩子吃了医生开的药，烧退了", None),
        )
    )


def test_a_gas_smell_already_fixed_raises_no_alarm_from_the_model_either(db):
    """A resident who writes that the gas smell was a loose valve the gas company has
    fixed is telling the community, not calling for help: the rule hears 已经修好了, and
    the model, which weighs 煤气味 alone, is not let to raise the alarm the rule held back.
    The reason says which words were told as over, so the person triaging sees why."""
    from django.utils import translation

    from linli.triage.classifier import current_model, risk_told_as_not_now
    from linli.triage.services import triage_reason_text

    settled = "刚才闻到一点煤气味，燃气公司的人来看过了，说是灶台阀门没关紧，已经修好了"
    assert risk_told_as_not_now(settled) == ("gas_fire", "煤气味")
    proposal = current_model().propose(settled)
    assert not proposal.risk
    assert proposal.reason.startswith("not_now:gas_fire「煤气味」")
    with translation.override("zh-hans"):
        assert triage_reason_text("not_now:gas_fire「煤气味」") == (
            "不报警：「煤气味」说的是过去、假设或已处理的事（燃气或火情）"
        )
    assert risk_told_as_not_now("楼道里一股子煤气味儿，呛得人头疼") is None
    assert current_model().propose("楼道里一股子煤气味儿，呛得人头疼").risk
    # Words of now beside words of the past: the alarm stands.
    assert current_model().propose("上次着火没人管，这次又着火了").risk


def test_a_report_that_ends_saying_it_is_over_raises_no_alarm_from_the_model(db):
    """A neighbour who writes that the old woman next door was dizzy in the stairwell this
    morning, sat a while at home and is fine now is keeping the record; the model hears
    晕乎乎 and would ring the duty phone (the reason below is only given when it would).
    Not when the report goes on with a but: the fire is out, yet the old woman upstairs has
    not come out."""
    from linli.triage.classifier import current_model

    assert_no_alarm_because(
        "隔壁老太太早上在楼道里晕乎乎的，扶她回家坐了一会儿，现在没事了",
        "not_now:over「现在没事了」",
        "不报警：反映的末尾说事情已经过去「现在没事了」",
    )
    still = "楼下着火了，火已经灭了，可三楼的老太太还没出来"
    assert current_model().propose(still).risk


def test_a_report_of_a_poisoning_years_ago_raises_no_alarm_but_a_man_on_the_roof_now_does(db):
    """A resident who opens on the year before last, when an old man downstairs was gassed
    and revived, and goes on that the family still uses the same old water heater, wants
    the heater seen to; a model that hears 煤气中毒 would ring the duty phone. What the
    report says after its past is weighed alone: "now he is sitting up on the roof and won't
    come down" after an old illness is an alarm. Nor is the past read as done when the
    report says it is back now (今天又), or when the time is when something began (上个月起).
    The model's estimates are stood in by fixed figures (the shipped model puts neither
    report near its threshold), so the test shows the reading, not one model's weights."""
    import copy

    from django.utils import translation

    from linli.triage.classifier import after_the_past, current_model, risk_told_as_not_now
    from linli.triage.services import triage_reason_text

    gassed = "前年楼下有个老人煤气中毒过，后来救过来了，现在那家还用那个老热水器"
    roof = "以前他犯过病，现在人在天台上坐着不下来"
    assert risk_told_as_not_now(gassed) == ("past", "前年")
    assert risk_told_as_not_now(roof) == ("past", "以前")
    assert after_the_past(gassed) == "现在那家还用那个老热水器"
    assert after_the_past(roof) == "现在人在天台上坐着不下来"
    stood_in = {gassed: 0.6, "现在那家还用那个老热水器": 0.1, roof: 0.6, after_the_past(roof): 0.9}
    model = copy.copy(current_model())
    vectorised: list[str] = []
    vector = model.vector

    def vector_noted(text: str) -> Any:
        vectorised.append(text)
        return vector(text)

    model.vector = vector_noted
    model.risk_probability = lambda _matrix: stood_in[vectorised[-1]]
    proposal = model.propose(gassed)
    assert not proposal.risk
    assert proposal.reason.startswith("not_now:past「前年」"), proposal.reason
    with translation.override("zh-hans"):
        assert triage_reason_text("not_now:past「前年」") == (
            "不报警：反映讲的是以前的事，已经过去「前年」"
        )
    assert model.propose(roof).risk
    assert risk_told_as_not_now("去年他动过刀子，后来关了几年，今天又回来了") is None
    assert risk_told_as_not_now("上个月起就没见他出过门，后来他儿子也不来了") is None


def test_a_fraud_hung_up_on_is_a_warning_but_an_impostor_collecting_at_the_door_is_an_alarm():
    """A resident who hung up on a fake customer-service call wants the neighbours warned;
    one whose building has a fake gas-company man collecting money door to door needs
    someone there before the old people pay."""
    assert_signals(
        (
            ("最近老有人打电话冒充客服，我都挂了，提醒大家注意", None),
            ("冒充客服让我妈开屏幕共享，我说是假的她不信，现在正在操作", "fraud"),
            ("小区里有个人冒充燃气公司的挨家挨户收钱，说不交就停气", "fraud"),
            ("有人在小区里挨家挨户推销净水器，还冒充物业", None),
        )
    )


def test_things_still_thrown_down_or_a_threat_that_a_child_is_next_raise_an_alarm():
    """A mother whose dog was poisoned by a neighbour who said her child is next, and a
    resident watching flowerpots still coming down from a balcony, need the police and the
    building head now; a stroke years ago that left an arm stiff, or an old man who was
    "annoyed to death" by a neighbour's piano, do not — but a grandfather who, angry, says
    he will drink pesticide does."""
    assert_signals(
        (
            ("楼上阳台往下扔花盆，差点砸到人，现在还在扔", "trapped"),
            ("我家狗被楼下的人毒死了，他还说下次就轮到我家孩子", "violence"),
            ("我爸前年中风了，现在半边身子不太灵活，想申请个轮椅", None),
            ("我妈半边身子突然不灵活了，说话也不清楚", "collapse"),
            ("隔壁孩子练琴练得我都想死了", None),
            ("俩老人吵架，老爷子气得说要喝农药，药瓶子都拿出来了", "self_harm"),
            ("昨天那个喝多了在楼下喊救命的醉汉，派出所已经带走了", None),
        )
    )


def test_people_pinned_pushed_fallen_or_on_cracking_ice_raise_an_alarm():
    """A passer-by who saw a wall fall on two people, a child on ice that is cracking, a
    toddler putting rat poison in its mouth, a son who pushed his mother down the stairs, or
    someone fallen from a height: each needs help sent now, whatever the model makes of
    words it rarely saw (each of these was under its threshold, 0.09–0.53). A fear of the
    same, or an adult's pill too big to swallow, is no alarm."""
    assert_signals(
        (
            ("工地的围墙倒了，压住了两个路过的人", "trapped"),
            ("有个小孩在小区池塘冰面上玩，冰都裂了", "trapped"),
            ("河面结冰了，孩子们都在上面滑，怕冰裂了", None),
            ("小区里有人在卖老鼠药，小孩捡起来往嘴里放了", "collapse"),
            ("宝宝把电池往嘴里塞了", "collapse"),
            ("药片太大了，老人往嘴里放不进去", None),
            ("楼下的母子俩吵架，儿子把他妈推下了楼梯", "violence"),
            ("二单元有人从楼上摔下来了，就在花坛边上", "hurt"),
            ("三楼的窗户没装防护栏，小孩要是从窗户掉下来了怎么办", None),
            ("楼梯太陡了，怕老人从楼梯上摔下来", None),
            # An animal lying still is for the property office; a person is not.
            ("小区里有只流浪狗好像生病了，躺在草丛里不动", None),
            ("狗一直叫，爷爷躺在地上不动", "collapse"),
            ("快来人啊片场有人被马踢了躺在地上不动了", "collapse"),
        )
    )


def test_trying_desperately_for_a_job_or_an_ambulance_gone_is_no_alarm():
    """拼命 is a threat only as one (跟我拼命, 拼命砸门): a resident 拼命找工作 wants the job
    fair's date. An old man who fainted and was taken by the ambulance is in hospital
    hands; one whose ambulance has not come is not."""
    assert_signals(
        (
            ("我在网上拼命找工作，社区有没有招聘会", None),
            ("他说要跟我拼命", "violence"),
            ("他喝多了拼命砸门", "violence"),
            ("今天楼下有个老人晕倒了，120已经拉走了，想问问他家里人联系上没有", None),
            ("老人晕倒了，打了120还没来", "collapse"),
        )
    )


def test_a_report_typed_in_traditional_characters_or_with_ascii_commas_is_the_same_report(db):
    """A daughter in Hong Kong who reports her father unseen for days, typing in Traditional
    characters, or a grid worker whose phone keyboard gives ASCII commas, gets the proposal
    the same words in Simplified with Chinese commas get; before, 好幾天沒見了 matched no
    rule. The reason quotes the words as she wrote them. A decimal point stays one."""
    from dataclasses import replace

    from linli.triage.classifier import current_model, normalised

    model = current_model()
    for typed, simplified in (
        ("對門老人好幾天沒見了，報紙還在門口", "对门老人好几天没见了，报纸还在门口"),
        ("樓道裡一股煤氣味，嗆得人頭疼", "楼道里一股煤气味，呛得人头疼"),
        ("我們樓的電梯壞了三天了，物業也不管", "我们楼的电梯坏了三天了，物业也不管"),
        ("好几天没见人了,报纸还在门口!", "好几天没见人了，报纸还在门口！"),
    ):
        assert normalised(typed) == simplified
        as_typed, as_simplified = model.propose(typed), model.propose(simplified)
        assert replace(as_typed, reason="") == replace(as_simplified, reason=""), typed
    assert model.propose("對門老人好幾天沒見了，報紙還在門口").reason.startswith(
        "risk:missing「好幾天沒見」"
    )
    assert model.propose("樓道裡一股煤氣味，嗆得人頭疼").reason.startswith(
        "risk:gas_fire「煤氣味」"
    )
    # Clauses separated by spaces are quoted with their spaces.
    assert model.propose("有个人在门口转悠 说是电力公司的 挨家挨户收电费押金").reason.startswith(
        "risk:fraud「有个人在门口转悠 说是电力公司的 挨家挨户收电费押金」"
    )
    assert normalised("药费3.5元,太贵了") == "药费3.5元，太贵了"


def test_a_hotline_hand_off_in_formal_words_raises_the_alarm_plain_words_would():
    """A 12345 ticket or a visit note says 未见出门, 持械, 殴打, 限制离开, 意识模糊 where a
    resident says 没见出门, 拿着刀, 打, 不让走, 迷迷糊糊; community staff reading imported
    tickets need the same alarm. A consultation about a past beating, or a mind clouded
    for years, is no alarm."""
    assert_signals(
        (
            (
                "市民来电反映：其邻居独居老人李某某自上周五起未见出门，门口堆积多份报纸，"
                "电话无人接听，请社区核实",
                "missing",
            ),
            ("12345转办：来电人称其丈夫酒后持械威胁家人，目前情绪激动，请属地尽快处置", "violence"),
            ("工作人员在走访中获悉，某户家长长期殴打未成年子女，孩子身上有多处伤痕", "violence"),
            ("市民反映：出租屋内多人聚集，疑似传销，有人被限制离开", "violence"),
            ("入户走访时发现，独居老人王某卧床不起，意识模糊，家中无人照料", "collapse"),
            ("巡查发现某建筑工地基坑边坡出现坍塌迹象，坑底仍有工人作业", "trapped"),
            ("独居老人自上周五起未见出门，门口堆积多份报纸", "missing"),
            ("上个月他喝多了把电视砸了，孩子吓哭了，现在戒酒了", None),
            ("独居老人的手机经常关机，想给他换个老人机", None),
            ("来电人咨询遭殴打后如何申请法律援助", None),
            ("老人患阿尔茨海默病多年，意识模糊，家属申请长期护理保险", None),
            ("老人长期卧床，今天突然意识模糊", "collapse"),
            ("来访人情绪激动，称若拆迁补偿今日不解决，就带汽油去区政府门口自焚", "self_harm"),
            ("前妻现任丈夫多次在其单位门口堵截，今日发信息称要让其全家付出代价", "violence"),
            ("电热毯短路冒烟，住户自行断电处置，未造成人员伤亡，现已恢复正常", None),
            ("来电人称曾接到自称公检法的诈骗电话，未按对方要求转账，希望社区加强防诈宣传", None),
            ("我妈正按对方要求转账，我说是骗子她不信", "fraud"),
        )
    )


def test_a_child_gone_off_with_someone_and_not_found_is_a_missing_alarm():
    """A mother whose child went off with a woman who promised toys, and cannot find him,
    needs the grid out looking now (the model gave it 0.24); a grandmother gone off with
    her dancing friends until the evening does not."""
    assert_signals(
        (
            ("我家孩子在小区里玩，说有个阿姨要带他去买玩具，现在人跟着走了，我找不到了", "missing"),
            ("我妈跟着广场舞的姐妹走了，晚上就回来", None),
        )
    )


def test_a_threat_of_extreme_action_a_bedridden_elder_without_food_or_kids_on_cracking_ice_alarm():
    """A hotline hand-off saying a worker owed wages will 采取极端方式, a grid worker's note
    of a bed-bound old man with no food or water in the house, and children playing on
    pond ice that has begun to crack each need someone there today; a temper that "goes to
    extremes", a water cut that left a kitchen bare, or cracks in ice nobody is on, do not."""
    assert_signals(
        (
            (
                "工单：来电人表示与前单位劳动争议多次协调未果，若再不解决将采取极端方式。",
                "violence",
            ),
            ("网格员报告：独居困难老人王某某卧床不起，家中断水断粮，无人照料。", "collapse"),
            ("市民反映：小区池塘冰面有多名儿童嬉戏，冰层较薄，已出现裂缝。", "trapped"),
            ("冰上好几个孩子在滑，刚才听到咔咔响", "trapped"),
            ("这孩子性格容易走极端，家长希望社区心理老师给聊聊。", None),
            ("停水两天了，家里断水断粮的，老人怎么办", None),
            ("湖面冰层出现裂缝，建议设置警示牌，禁止上冰", None),
        )
    )


def test_a_gas_leak_ruled_out_medicine_to_refill_or_a_parrot_crying_help_is_no_alarm():
    """A resident whose gas company found no leak wants a new alarm fitted, one whose pills
    ran out wants a prescription, and one whose neighbour's parrot shrieks 救命 all day wants
    quiet; a cooker left leaking, pills all swallowed, or a child under a dog crying for help
    need someone now."""
    assert_signals(
        (
            ("来电人反映，前几日燃气报警器误报，燃气公司检查后确认无泄漏，询问更换事宜。", None),
            ("燃气公司来查过，没有燃气泄漏，报警器是坏了", None),
            ("燃气灶没关好，一直在漏，屋里没人", "gas_fire"),
            ("他说他把药都吃完了，要去社区医院再开点，开药要带什么证件", None),
            ("我儿子最近抑郁，今天把药都吃完了，现在叫不醒", "self_harm"),
            ("二楼那家人养的鹦鹉天天叫救命，吓死人了，能不能让他们管管", None),
            ("一只大黄狗把小孩扑倒了，小孩在哭喊救命", "hurt"),
            ("狗扑上来咬我，我喊救命也没人来", "hurt"),
        )
    )


def test_a_stranger_saying_he_is_from_the_power_company_and_collecting_at_doors_is_fraud():
    """A resident who saw a man claiming to be from the power company collect deposits
    door to door needs the old people warned before more of them pay; one whose property
    office announced it will collect fees tomorrow has a question, not an emergency."""
    assert_signals(
        (
            ("刚才有个人在小区门口转悠，说是电力公司的，挨家挨户收电费押金，好几家都交了", "fraud"),
            ("有个男的说是自来水公司的 上门收水表押金 我妈给了两百", "fraud"),
            ("物业说是明天上门收物业费，要带现金吗", None),
        )
    )


def test_a_chat_message_whose_clauses_are_spaced_is_read_as_if_they_were_commas(db):
    """A building head relaying a WeChat-group message, or an old man using voice input,
    separates clauses with spaces. "去年" at the start of the message belongs to its first
    clause only: the father who had a stroke last year and since yesterday cannot speak,
    and the neighbour gone since the day before yesterday, are alarms now, as they are
    when typed with commas."""
    from linli.triage.classifier import current_model

    for spaced in (
        "我爸去年中过风 昨天开始说不出话",
        "去年老王摔了一跤 前天出门到现在没回来",
        "【转发】3单元401家里好大煤气味 敲门没人 快来人",
    ):
        proposal = current_model().propose(spaced)
        assert proposal.risk and proposal.timeframe == "immediate", spaced
        assert proposal == current_model().propose(spaced.replace(" ", "，")), spaced


def test_referrals_from_a_school_sanitation_or_the_police_raise_the_alarm_in_their_own_words():
    """A school whose pupil has been absent a week with the family unreachable, a street
    sweeper who found a baby in a bin, a teacher whose pupil wrote of flying down from a
    building, a petitioner who says he will die at the district office's door, and the
    police reporting a man waving scissors each hand the community a life at risk; a pram
    found in a stairwell, or a sick child's note for school, do not."""
    assert_signals(
        (
            (
                "学校反映：我校三年级学生李某某近一周未到校，班主任多次联系家长均无法联系。",
                "missing",
            ),
            ("环卫反映：某小区垃圾箱内发现一名婴儿，哭声微弱。", "collapse"),
            ("学校心理老师反映：某学生在作文中多次提到“想从楼上飞下去”，今日未到校。", "self_harm"),
            ("信访人称近期多次表示“不给解决就死在区政府门口”。", "self_harm"),
            (
                "派出所通报：某出租屋内一名男子精神异常，持剪刀在屋内乱舞，房东不敢靠近。",
                "violence",
            ),
            ("楼道里捡到一个婴儿推车，谁家的", None),
            ("孩子生病了今天没去上学，请假条怎么开", None),
        )
    )


def test_a_child_shut_out_in_the_cold_or_a_household_dizzy_and_sick_at_once_raises_an_alarm():
    """A neighbour who has heard a child shut out on the balcony all night in the frost, a
    father who forgot his child in the locked car, and a mother whose whole family woke
    dizzy and sick with the water heater on, need someone now (the heater may be poisoning
    them); a child made to stand outside for five minutes, a schoolbag left in the car, a
    family "sick" of a barbecue's smoke, or heads aching from a drill, do not."""
    assert_signals(
        (
            ("我们楼那个孩子被他爸关在阳台上 一晚上了 外面零下好几度", "violence"),
            ("我们一家三口早上起来都头晕恶心 孩子还吐了 家里烧的是热水器", "gas_fire"),
            ("孩子被奶奶关在门外罚站了五分钟 现在好了", None),
            ("我们全家都恶心楼下那个烧烤摊的油烟", None),
            ("我们几个人被吵得都头疼", None),
            ("把孩子忘在车里了 车锁了 太阳晒着", "trapped"),
            ("孩子的书包落在车里了 能不能帮忙开一下车门", None),
        )
    )


def test_a_fit_a_doctor_has_seen_and_that_is_over_is_no_alarm_but_a_fall_still_mute_is(db):
    """A mother asking about reimbursement for a febrile fit a doctor saw days ago, and a son
    whose father's blood-pressure pills ran out, need office hours; a man who fell, is a
    little better and still cannot speak, or one who said he does not want to live and has
    "got the rope ready", need someone now."""
    from linli.triage.classifier import current_model

    assert_signals(
        (
            ("前几天我家孩子发烧抽筋 去医院看过了 现在好了 想问问医保报销", None),
            ("我爸的降压药吃完了 社区医院能不能代开", None),
            ("刚才他倒在地上，现在好了点，但还是说不出话", "collapse"),
            ("他说不想活了，已经准备好了绳子", "self_harm"),
        )
    )
    assert not current_model().propose("前几天我家孩子发烧抽筋 去医院看过了 现在好了").risk


def test_a_dam_cracking_as_the_water_rises_is_an_alarm_but_a_nose_that_often_bleeds_is_not(db):
    """A villager who sees the dam crack while the river rises needs the village evacuated,
    and an old man walking on a motorway or children on a railway line need someone there;
    one asking to have last winter's crack mended in the dry season, or a footpath along a
    residential lane, does not. A daughter whose father's nose often bleeds wants a clinic,
    and the model's alarm on 流血 is held back too; a man whose head is still bleeding after
    a fall needs help now."""
    from linli.triage.classifier import current_model

    assert_signals(
        (
            ("我们村的河坝上有条裂缝 水位还在涨", "trapped"),
            ("河堤那段去年冬天就有裂缝了 建议今年枯水期修一下", None),
            ("高速路口有个老人在车道上走 车子都在按喇叭", "trapped"),
            ("两个孩子在铁轨上玩 火车快来了", "trapped"),
            ("小区门口的车道上有人走 建议划个人行道", None),
            ("我家老人鼻子老流血 想挂个耳鼻喉科", None),
            ("老人摔了，头上一直在流血", "hurt"),
        )
    )
    assert not current_model().propose("我家老人鼻子老流血 想挂个耳鼻喉科").risk


def test_a_mediation_record_warning_of_a_dispute_turning_criminal_raises_an_alarm():
    """A mediator's record of a party who said 大不了鱼死网破, a ledger entry of a husband who
    threatened his wife's family, a tenant who "will do anything" if pushed further, a
    neighbour going upstairs with a club, and a fight in which one man bleeds while the
    other goes on: each is a dispute about to turn criminal (民转刑). Harm to one's health
    from late nights, a walking stick, or a child who "will do anything" for his phone, are
    not."""
    assert_signals(
        (
            (
                "调解记录：双方因相邻权纠纷多次发生冲突，一方当事人情绪激动，称“大不了鱼死网破”。",
                "violence",
            ),
            ("排查发现：男方多次到女方娘家滋事，并扬言对其家人不利。", "violence"),
            ("网格员反馈：某租户被房东断水断电驱赶，租户称“逼急了什么事都干得出来”。", "violence"),
            ("工单：业主与物业发生肢体冲突，一方头部受伤出血，另一方仍在现场叫骂。", "violence"),
            ("邻里纠纷：双方已多次报警，今晚楼下住户持木棍上楼。", "violence"),
            ("这孩子为了玩手机什么事都干得出来，家长管不了", None),
            ("长期熬夜对身体不利", None),
            ("我家老人手持拐杖走路不稳，想申请扶手", None),
        )
    )


def test_a_visit_note_of_a_bedridden_man_unfed_since_today_is_an_alarm_though_he_is_long_ill(db):
    """A grid worker's note that a man long bed-bound has not eaten for a day since his son
    went off to work today is an alarm: 今日 says it is now, as 今天 does, so 长期 does
    not make it a state of years. Before, the rule's words held as chronic also held back
    the model's own alarm. A son away at work for three years, a photo at a balcony's edge
    or a skipped breakfast are not alarms; 活够了, a man alone on a roof's edge, a confused
    father gone out and not back, and a cut wrist are."""
    from linli.triage.classifier import current_model

    unfed = "入户走访发现：某户老人因病长期卧床，今日其子外出务工未归，老人已一日未进食。"
    assert current_model().propose(unfed).risk
    assert_signals(
        (
            (unfed, "collapse"),
            (
                "走访记录：独居老人近期情绪低落，多次向邻居表示“活够了”，今日将存折交给邻居保管。",
                "self_harm",
            ),
            ("网格员报告：辖区某楼顶平台有一名中年男子独坐边缘，已持续约半小时。", "self_harm"),
            ("来电人称其父亲（78岁，患认知障碍）于今晨外出后未归，随身未携带通讯工具。", "missing"),
            ("学校反映：一名初二女生今日在校内割伤手腕，家长尚未联系上。", "self_harm"),
            ("他儿子外出打工三年未归，老人一个人过年，社区能不能去看看", None),
            ("我们在阳台上站在边上拍照，风景很好", None),
            ("老伴卧床多年，胃口不好，今天早饭没吃东西，想问问营养餐", None),
        )
    )


def test_a_patrol_note_of_a_frosted_gas_valve_a_smoking_car_battery_or_a_stroke_is_an_alarm():
    """A grid worker who saw frost on a restaurant's gas cylinder valve, a property office
    reporting white smoke from a car's battery in the garage, a sharp smell at the gas
    meter, and a visit note of slurred speech and a weak side since an hour ago, each
    describe an emergency in a report's formal words. A stroke's after-effects of years, a
    freezer that frosts up, or a question about a smell after works, do not."""
    assert_signals(
        (
            (
                "网格员上报：某沿街商铺后厨液化气钢瓶阀门处结霜，伴有异响，店内仍在营业。",
                "gas_fire",
            ),
            ("物业报告：地下车库一辆新能源车电池舱冒出白烟，伴有爆裂声。", "gas_fire"),
            ("12345转办：来电人称其所在单元楼道内燃气表处有刺鼻气味，邻居均称闻到。", "gas_fire"),
            (
                "入户走访发现：某户老人无法站起，言语含混，一侧肢体无力，症状于一小时前出现。",
                "collapse",
            ),
            ("入户走访发现：某户老人中风后遗症，一侧肢体无力多年，申请康复辅具。", None),
            ("冬天冰箱冷冻室结霜太厚，怎么除霜", None),
            ("燃气管道改造后有异味吗，想问问", None),
        )
    )


def test_a_referral_of_someone_distraught_and_gone_a_heart_attack_or_a_hand_round_a_throat_is_an_alarm():
    """A hospital social worker whose patient's relative ran off distraught, a property
    office with minors on a roof's water tank, a clinic whose patient went home with chest
    pain and a sweat, a mediation where a husband has his hands round his wife's throat, a
    child pinned between a sliding door and a wall, a dementia patient who walked out of a
    care home and skaters on ice heard cracking: each is an emergency told in a referral's
    formal words. The same people on an ordinary day, or found the same evening, are not;
    nor a pupil's low mood with parents out of reach, a heart patient's usual turns, or a
    diner clutching his own throat (a choking, which the model is left to judge)."""
    assert_signals(
        (
            (
                "医院社工部函：患者家属陈某得知诊断后情绪失控，已离开病房，去向不明，称要去河边",
                "missing",
            ),
            ("物业报告：8号楼顶层水箱间门被撬，现有两名未成年人在水箱顶部攀爬", "trapped"),
            (
                "社区卫生服务站通报：独居老人钱某今晨来站时胸痛出汗，拒绝转院后自行回家",
                "collapse",
            ),
            (
                "调解记录：男方当场掐住女方脖子，已被工作人员拉开，男方仍在调解室大声威胁",
                "violence",
            ),
            ("12345工单：来电人反映小区内一名儿童被困在自动感应门与墙之间，无法动弹", "trapped"),
            ("养老机构报告：一名失智老人于午饭后自行离院，监控显示往国道方向走去", "missing"),
            ("网格员报告：辖区池塘冰面有多名学生滑冰，冰层有开裂声", "trapped"),
            ("上周他情绪失控离家，联系不上，当天晚上就找回来了", None),
            ("院里一位失智老人上周自行离院，当天就找回来了", None),
            ("孩子情绪低落，成绩下滑，家长联系不上", None),
            ("他有心脏病，经常胸闷出汗，想申请家庭医生", None),
            ("我爸去年胸口疼出冷汗，做了支架，现在好了", None),
            ("以前有孩子在水箱顶上爬来爬去，后来物业加了锁", None),
            ("有人被困在电梯里出不来，物业说马上到", None),
            ("小饭馆里一个吃饭的突然脸憋得通红，两手掐着脖子", None),
        )
    )


def test_a_stairway_full_of_smoke_is_an_alarm_but_cigarette_ends_or_an_overstated_chore_are_not():
    """A resident who heard a bang and sees the stairway full of smoke needs the duty phone;
    a stairway strewn with cigarette ends needs the cleaners, and a pupil "so buried in
    homework he does not want to live" is saying how he feels about homework."""
    assert_signals(
        (
            ("小区里有辆电动车在楼道里充电，刚听见砰的一声，楼道里全是烟", "gas_fire"),
            ("十六楼那一层的走廊已经全是烟了，有人在砸门", "gas_fire"),
            ("楼道里到处是烟头和痰，好久没打扫了", None),
            ("怕着火了楼道里全是烟跑不出去", None),
            ("上次车库里全是烟，是有人烧纸", None),
            ("楼上高中生天天发说说说作业多得不想活了", None),
            ("事情多得我都想死", None),
            ("疼得不想活了，快来人", "self_harm"),
        )
    )


def test_better_dead_said_on_walking_out_or_a_hot_bulging_battery_is_an_alarm_but_not_as_a_moan():
    """A drug-rehabilitation social worker whose client said he would be better dead and
    walked out, and a fire inspector who found a battery bulging and hot in a crowded
    rented room, each report an emergency. Heat "bad enough to die", tiredness after
    overtime, despair said once and got over, or a bulging battery to be replaced are not."""
    assert_signals(
        (
            (
                "禁毒社工报告：社区戒毒人员孙某今日尿检前称“不如死了算了”，随后离开服务站",
                "self_harm",
            ),
            ("消防检查记录：某群租房内发现电动车电池正在鼓包发烫，房内住有多人", "gas_fire"),
            ("充电宝充着充着发烫鼓包了", "gas_fire"),
            ("热得不如死了算了", None),
            ("累死了算了，加班到现在", None),
            ("以前我说过不如死了算了，现在好多了", None),
            ("电动车电池鼓包了，想换一个", None),
        )
    )


def test_a_chimney_smoking_over_the_washing_is_a_nuisance_but_a_chimney_glowing_red_is_an_alarm():
    """A neighbour whose washing is blackened by a chimney's smoke wants the environment
    office, not the duty phone; smoke of the wrong colour from the chimney of a house
    where nobody answers, a woodpile by a chimney smoking, or a boiler room pouring smoke
    with people inside, are fires."""
    assert_signals(
        (
            ("老周家的烟囱冒黑烟，熏得邻居衣服都没法晒", None),
            ("烤房冒黑烟熏人", None),
            ("老周家烟囱冒的烟颜色不对，黑里发红，屋里好像没人", "gas_fire"),
            ("烟囱旁边的柴堆冒烟了", "gas_fire"),
            ("锅炉房冒出浓烟，里面有人", "gas_fire"),
        )
    )


def test_a_hand_off_that_buries_the_risk_after_a_routine_complaint_is_still_an_alarm():
    """A 12345 hand-off that opens on a property company's rubbish and parking and only then
    says the old woman upstairs has not been heard for four or five days, or that the
    manager brought guards with rubber truncheons, or that a breakfast stall's gas bottle
    caught fire, or that a dog is mauling a child whose face is covered in blood, is an
    emergency. A walking stick or an ice lolly in hand, guards on patrol, a dog bite asked
    about, or a neighbour's building work gone quiet, are not."""
    assert_signals(
        (
            (
                "市民来电反映：物业长期不作为，垃圾清运不及时。另反映其楼上独居的老太太已经"
                "四五天没听到动静了，请社区尽快上门查看。",
                "missing",
            ),
            ("今天下午物业经理叫来了七八个保安，手里拿着橡胶棍，现场情况紧张。", "violence"),
            ("刚才路过时看到摊主的煤气罐接口处着了火，摊主正在用湿毛巾盖", "gas_fire"),
            ("今天傍晚该狗挣脱绳子把一名路过的小学生扑倒撕咬，孩子满脸是血", "hurt"),
            ("老人手里拿着拐棍在楼下晒太阳", None),
            ("保安拿着警棍在小区里巡逻", None),
            ("被狗咬了一口，要打疫苗吗", None),
            ("这几天都没有动静，楼上的装修终于停了", None),
            ("炉子怎么也点不着了火", None),
        )
    )


def test_someone_collecting_fees_or_a_father_signing_a_mortgage_for_a_trickster_now_is_an_alarm():
    """A village where a self-styled tobacco company man is taking "quota fees" at the
    committee's gate, with people queueing to pay now, or a father talked into an "old-age
    investment" who is signing a mortgage on his flat now, needs someone there before the
    money goes; one who said he would come next week to collect, a mortgage with no trick
    told, or a trick of before, is not an emergency."""
    assert_signals(
        (
            (
                "有人自称烟草公司的，说明年的种植合同要交内部指标费，一亩三百，这会儿在村委会"
                "门口收，好多人正排队交",
                "fraud",
            ),
            ("有人自称是物业的，说下周来收费，不知道是不是真的", None),
            (
                "来电人反映其父亲被人以“养老投资”名义诱导，正在办理房产抵押手续，请求尽快制止",
                "fraud",
            ),
            ("正在办理房贷手续，想问公积金能不能用", None),
            ("我妈被骗过一次，现在正在办理房产过户给我", None),
        )
    )


def test_a_man_throwing_himself_at_the_traffic_now_is_an_alarm_but_goods_loaded_on_a_lorry_are_not():
    """A resident who sees a drugged or drunk man lunging at cars in the road, or a woman
    running crying into the traffic, needs someone there now; a lorry being loaded, a
    child climbing into the family car, or a child who nearly ran under a car last month
    and was missed, is not that."""
    assert_signals(
        (
            (
                "楼下那个小伙子吸了东西以后光着身子在马路中间跑，车都在按喇叭，他还往车跟前扑",
                "hurt",
            ),
            ("有个喝醉的男的在路中间晃，一直往车上撞", "hurt"),
            ("一个女的哭着往车流里冲，拉都拉不住", "hurt"),
            ("工人正在往车上搬货，挡着路了", None),
            ("孩子一放学就往车里钻，玩手机", None),
            ("上个月有个小孩往车前面冲，差点被撞，还好司机刹住了", None),
        )
    )


def test_a_spade_digging_a_machine_eating_a_coin_or_a_hoarding_on_the_pavement_is_no_alarm():
    """A building head who reports neighbours digging up the green with spades, a water
    machine that kept her coin, or site hoardings fallen across the pavement wants them
    dealt with, not an emergency; a spade raised at a man, a child who swallowed a coin,
    or a person under a fallen load still is one."""
    assert_signals(
        (
            ("刚才看见几个人拿着铁锹在绿化带里挖土种菜", None),
            ("他拿着菜刀在厨房切菜，切到手了", None),
            ("这会儿小区的自动售水机吞了硬币不出水", None),
            ("蓝色围板倒下来一长溜，压着人行道，行人只好走机动车道", None),
            ("他拿着铁锹要拍对门的男的", "violence"),
            ("他拿着扳手说要修理修理你", "violence"),
            ("孩子刚才吞了一枚硬币，一直在咳", "collapse"),
            ("围板倒下来压着人了，腿拔不出来", "trapped"),
        )
    )


def test_a_fake_inspector_still_in_the_kitchen_asking_for_money_is_an_alarm():
    """An old woman whose "gas company" visitor says her cooker fails, wants 1,200 to change
    it and will not leave needs someone at her door now; the same trick told as last
    month's, a salesman with no fault claimed, or a fee only asked about, does not."""
    assert_signals(
        (
            (
                "刚才有个“燃气公司”的人上门说我家灶具不合格，非要现场换，开口要一千二，"
                "人还在我家厨房不走",
                "fraud",
            ),
            ("有人上门说我家燃气管老化了必须换，开价八百，现在还赖在我家不走", "fraud"),
            (
                "上个月有人上门说热水器不合格要换，收了五百，坐在门口半天没走，后来才知道是假的",
                None,
            ),
            ("推销员上门非要卖净水器，开价三千八，这会儿还坐在我家沙发上不走", None),
            ("物业上门说水表老化了要换，收费两百，我问问这个合理吗", None),
        )
    )


def test_a_gas_alarm_sounding_on_and_on_is_an_alarm_but_one_chirping_for_a_battery_is_not():
    """A building head relaying that a flat's gas alarm keeps sounding behind a door no one
    answers needs someone there now, however formally it is put (持续鸣响); an alarm chirping
    for a new battery, or one that sounded last week and was found false, does not."""
    assert_signals(
        (
            (
                "楼栋长微信转述：4单元702住户家中燃气报警器持续鸣响，屋内无人应门，楼道有明显异味",
                "gas_fire",
            ),
            ("厨房燃气报警器不停地叫，家里就我奶奶一个人", "gas_fire"),
            ("燃气报警器电池没电了一直滴滴响，谁来换一下", None),
            ("上周燃气报警器持续鸣响，燃气公司来查了，是误报", None),
        )
    )


def test_a_man_feeding_fish_at_the_pond_or_a_lift_standing_still_is_no_alarm():
    """A grid worker who notes an old man feeding the fish from the pond's edge, a young man
    playing the guitar on the roof terrace, a lift stuck on the twelfth floor or a wire poked
    down a drain wants them seen to, not a rescue; a woman crying at the river's edge, a man
    lying still on the floor or a threat to stab someone is still an alarm."""
    assert_signals(
        (
            ("现在有个大爷站在小区的池塘边上喂鱼，面包扔得水里全是", None),
            ("有个小伙子天天晚上坐在楼顶天台上弹吉他看夜景", None),
            ("我们楼的电梯按钮按了没反应，停在十二楼一直不动", None),
            ("今天有个人拿着铁丝在捅我家楼下的下水道口，说是通下水的，谁叫的", None),
            ("一个女的站在河边上哭，鞋都脱了", "self_harm"),
            ("老人躺在卫生间里一直不动", "collapse"),
            ("有人说要捅我", "violence"),
        )
    )


def test_a_scanner_gun_or_a_roof_seen_from_below_is_no_alarm():
    """A resident asking about a man taking parking fees with a payment scanner (扫码枪), or
    one who looked up from the street at a crooked solar panel on the roof, reports no
    weapon and nobody on a roof; a gun pointed at someone, or a person standing on the
    roof's edge, is still an alarm."""
    assert_signals(
        (
            ("刚才有个男的拿着扫码枪在小区门口收停车费，说是新规定，物业没通知过", None),
            ("今天我站在楼下看见楼顶的太阳能板歪了，风一吹哐哐响", None),
            ("他拿着枪对着我", "violence"),
            ("有个女的站在楼顶边上往下看", "self_harm"),
        )
    )


def test_an_everyday_report_told_as_it_happens_is_no_alarm_but_a_risk_told_so_is():
    """Residents tell what they see as they see it (刚才, 这会儿, 正在, 有个…站在, 拿着): an
    estate agent photographing the blocks, a mother calling her child in, a dog off its
    lead, bacon dripping onto the washing below, a cleaner with disinfectant, a boy on a
    skateboard are jobs for the day, not emergencies; the same words about a knife, a
    gas smell or a man on a roof's edge still are. Until training batches 65–69 the model
    alone raised an alarm on each of the first six (0.46–0.90)."""
    from linli.triage.classifier import current_model

    for text in (
        "刚才看见有个男的拿着相机拍我们小区的楼，说是做房产中介的",
        "有个女的站在楼下喊她家孩子回家吃饭，天天喊，吵得人没法休息",
        "这会儿小区里有人正在遛狗，狗没拴绳，孩子们吓得跑",
        "这会儿楼上正在晒腊肉，油滴到我家晾的床单上了",
        "这会儿有个保洁阿姨拿着消毒水在擦电梯按钮，味道有点大",
        "刚才孩子拿着滑板在车库坡道上滑，被保安骂了",
    ):
        proposal = current_model().propose(text)
        assert not proposal.risk, (text, proposal.reason)
    assert_risk_proposals(
        (
            ("现在有个男的拿着刀在楼下追着人砍，已经砍伤一个了", "violence", "order"),
            ("刚才隔壁突然砰的一声，这会儿整层楼都是煤气味", "gas_fire", "safety"),
            ("现在有个男的站在楼顶边上，说他老婆不回来他就跳下去", "self_harm", "dispute"),
        )
    )


def test_a_part_paid_trickster_a_drunk_driver_a_missing_head_count_or_a_runaway_is_an_alarm():
    """A son who has just paid part of a fake hospital director's "bed fee", a drunk
    driver weaving down the road, a trip that came back one short, a foster child run off
    and not found after a night's search, or a sign swaying over a crowded bus stop needs
    someone now; money paid and got back, a count that came out right, a runaway who came
    home by himself, or branches swaying over parked cars does not."""
    assert_signals(
        (
            (
                "我妈在医院做手术，有个自称是医院主任的人加了我微信，说交五千块就能提前安排床位，"
                "我刚转了一千",
                "fraud",
            ),
            ("有个自称社保局的说交两千能多领养老金，我已经转了一千，后来要回来了", None),
            ("喝了酒的男的开着车在小区里横冲直撞", "trapped"),
            ("秋游回来一清点少了一个孩子", "missing"),
            ("春游回来一清点，一个不少", None),
            ("点名少了一个，原来是请假了", None),
            ("孩子半夜跑了，找了一晚上没找着", "missing"),
            ("孩子前几天离家出走，找了一晚上没找着，第二天自己回来了", None),
            ("孩子养的猫跑了，找了一晚上没找着", None),
            ("正在刮大风，楼顶的广告牌一直在晃，下面公交站站着好多人", "trapped"),
            ("树枝晃得厉害，底下停着好多车", None),
        )
    )


def test_children_on_a_roof_told_place_first_are_an_alarm_but_last_months_are_not():
    """A resident who sees the roof tank's lid open and two children playing up there
    needs someone up there now, told place first as much as child first; a fear that
    they might go up, or children chased off the roof last month, does not."""
    assert_signals(
        (
            ("楼顶的水箱盖子开着，有两个小孩在上面玩", "trapped"),
            ("楼顶天台上，几个初中生在边上打闹", "trapped"),
            ("楼顶的水箱盖子开着，怕小孩上去玩", None),
            ("天台门没锁，上个月有小孩在上面玩，被保安赶下来了", None),
        )
    )


def test_a_light_left_on_for_days_in_a_lone_mans_flat_is_an_alarm_but_a_stairwells_is_not():
    """A building head who sees a lone old man's light burning for three days and gets no
    answer at the door is reporting a man who may be lying inside; a stairwell light left
    on, last year's, or one left on against burglars while the owner travels, is not."""
    assert_signals(
        (
            ("我们单元的楼长说5楼的独居大爷家里的灯三天都没灭过，按门铃没反应", "missing"),
            ("楼道的灯三天都没灭过，太费电了", None),
            ("去年他家灯两晚没关，后来知道是出差了", None),
            ("她家的灯两天没关了，她出差前说过会开着灯防小偷", None),
        )
    )


def test_formal_hand_offs_of_fuel_and_a_cigarette_a_foundling_or_a_hanging_sign_are_alarms():
    """Hand-offs and patrol notes put a risk in their own words: petrol stored where someone
    is smoking now, a baby abandoned by the bins in the cold, a sign half torn off over a
    busy pavement, a mother being walked into a mortgage at a "health talk". Fuel stored
    with no flame, a kitten to rehome, tiles fallen over a flower bed or a bank clerk
    explaining a loan is not an emergency."""
    assert_signals(
        (
            ("网格员巡查发现：3号楼地下室有人私自存放十余桶汽油，现场有人正在吸烟", "gas_fire"),
            ("环卫工报告：垃圾站旁一名婴儿被遗弃，哭声微弱，天气寒冷", "hurt"),
            (
                "网格员报告：辖区老旧小区外墙一块广告牌在大风中脱落一半，悬挂于人行道上方，下方行人不断",
                "trapped",
            ),
            ("来电人反映：其母亲被人带至所谓“养生讲座”，对方正在引导其办理房产抵押", "fraud"),
            ("地下室有人存放了几桶汽油，存在隐患", None),
            ("小区里有只被遗弃的小猫，想找人收养", None),
            ("外墙瓷砖脱落一半，下方是绿化带", None),
            ("银行客户经理正在引导我妈办理房贷，利率多少合适", None),
        )
    )


def test_a_building_cracking_now_or_fake_gas_men_in_homes_is_an_alarm():
    """A resident whose block just shook and is cracking and shedding plaster, or who says
    men are going into flats in the gas company's name when the company sent nobody, needs
    someone now; a crack of years, an old crack unchanged after a tremor, a visit the
    company confirms, or last month's fake callers who were caught, does not."""
    assert_signals(
        (
            ("我们这栋楼刚才晃了一下，墙上裂了好长一道缝，还在往下掉灰", "trapped"),
            (
                "有人拿着一个袋子挨家挨户说是燃气公司的，要检查燃气管道，已经进了好几家，"
                "燃气公司说没派人",
                "fraud",
            ),
            ("我们这栋楼墙上有一道裂缝好几年了，一直没人管", None),
            ("刚才地震晃了一下，墙上那道老缝没变化", None),
            ("有人上门说是燃气公司的来检查，我打电话问了燃气公司，说确实派了人", None),
            ("上个月有人挨家挨户说是自来水公司的，自来水公司说没派人，后来抓到了", None),
        )
    )


def test_cash_left_out_for_a_collector_a_death_threat_written_up_or_a_loan_signed_at_a_sales_talk_is_an_alarm():
    """Old people told to leave money by a bin for someone who will come for it, a debt
    written on a door as a death threat, or a sales talk that has old people signing loans
    on the spot is a trick or a threat under way; money put in the community's collection
    box, a family photo on a wall, a loan a bank explains, paint alone and a warning at a
    talk not to sign are not."""
    assert_signals(
        (
            (
                "老两口说有个“孙子的同学”在医院要交押金，让他们把钱放在小区门口的垃圾桶旁边，"
                "会有人来拿",
                "fraud",
            ),
            ("债主今天在我家门口泼了红漆，写着“不还钱全家死”", "violence"),
            ("卖保健品的今天在活动室里开会，让老人们现场签贷款合同买理疗床", "fraud"),
            ("把捐款放在居委会的箱子里，会有人来收", None),
            ("客厅墙上写着全家福三个字", None),
            ("银行经理让我爸现场签贷款合同，利率多少合适", None),
            ("社区讲座提醒老人不要现场签贷款合同", None),
            ("有人在我家门口泼了油漆，还写了欠债还钱", None),
        )
    )


def test_a_report_typed_in_cantonese_is_read_as_one_in_mandarin_and_quoted_as_written():
    """A resident in Guangdong types as she speaks (喺, 咗, 冇, 佢, 唔): a grandmother fallen
    in the toilet who does not answer, a couple fighting with a cry for help, a father
    saying he does not want to go on, a knife in a man's hand are alarms, and the reason
    quotes her own words; a gas smell the gas company came and found harmless, or a
    water heater that will not light, is not. Before dialect.txt the model and rules
    caught 12 of held-out batch 68's 16 such risks."""
    assert_signals(
        (
            ("三楼个阿婆喺厕所跌咗，叫佢都冇反应", "collapse"),
            ("隔篱屋两公婆又喺度打交，个女人喊救命", "violence"),
            ("我阿爸话唔想再活落去，成日坐喺天台", "self_harm"),
            # 不想再活下去, as it reads in Mandarin, and as a Mandarin speaker says it.
            ("我阿爸话唔想再活落去", "self_harm"),
            ("他说不想再活下去了", "self_harm"),
            ("我不想再活在别人的眼光里", None),
            ("楼下有个男人揸住把菜刀追住人", "violence"),
            ("琴日楼梯间有阵煤气味，后尾煤气公司嚟睇过话冇事", None),
            ("屋企个热水炉点极都唔着火，想揾人嚟整", None),
        )
    )
    proposal = current_model().propose("三楼个阿婆喺厕所跌咗，叫佢都冇反应，屋企得佢一个")
    assert proposal.risk and proposal.timeframe == "immediate"
    assert "叫佢都冇反应" in proposal.reason
    # The words that drove the category are quoted as typed too: never 他 for her 佢.
    assert "他" not in proposal.reason and "没" not in proposal.reason


def test_no_mandarin_training_report_reads_differently_for_the_dialect_words():
    """The dialect words are ones a Mandarin report does not use in another sense: every
    training batch but the one typed in Cantonese (the seventieth) reads exactly as it did
    before dialect.txt."""
    from linli.lib.text import to_simplified
    from linli.triage.classifier import _DIALECT, shipped_examples

    changed = [e for e in shipped_examples() if _DIALECT.search(to_simplified(e.text))]
    assert [e.text for e in changed if e.batch != 70] == []
    assert len(changed) > 50  # the Cantonese batch is read through them


def test_a_neighbour_unseen_for_days_amid_other_complaints_or_a_gas_smell_in_fragments_is_an_alarm():
    """A resident who lists the property company's failings and, between the parking and
    the bins, says a neighbour living alone has not been seen for three days and does not
    answer the door; a message typed in fragments (3楼 煤气 味大 快): both need someone
    now. A bin lorry not seen for days, or gas as a subject without a smell, does not."""
    assert_signals(
        (
            (
                "物业费一年涨了两次，停车位也不够，垃圾站天天臭，还有就是我们楼那个独居的老李，"
                "我三天没看见他出来了，敲门也没动静，这些问题物业都不管",
                "missing",
            ),
            ("独居的王阿姨家敲门也没反应，灯也没开", "missing"),
            ("3楼 煤气 味大 快", "gas_fire"),
            ("好几天没看到收垃圾的车了", None),
            ("3楼 煤气 表坏了", None),
        )
    )


def test_someone_held_with_the_phone_taken_is_an_alarm_but_a_phone_kept_in_class_is_not():
    """A cousin taken to another city by a "business project", her phone taken and not let
    out, is held against her will now; a phone kept by a teacher till the end of the day,
    or papers an employer keeps till the season's end (a labour matter), is not."""
    assert_signals(
        (
            (
                "我表妹被同学拉去做什么“创业项目”，到了外地手机被收了，每天上课洗脑，不让出门",
                "fraud",
            ),
            ("上课手机被老师没收了，不让带回家", None),
            ("有个采茶工被老板扣着身份证不让走，说做完这季才还", None),
        )
    )


def test_someone_asleep_in_the_road_or_a_sign_swinging_over_passers_by_is_an_alarm():
    """A drunk asleep in the middle of the road with cars brushing past, or a sign torn
    loose in a typhoon swinging over neighbours who still walk beneath it, needs someone
    now, in Mandarin or in Cantonese; a car or a stall in the road, a dog sunning itself
    there, or a loose sign over a pavement with nobody said to be under it, does not."""
    assert_signals(
        (
            ("有个醉汉躺在马路中间睡着了，车来车往", "trapped"),
            ("骑楼底有个醉酒佬瞓喺马路中间，啲车一架架擦身过", "trapped"),
            ("打风打到骑楼嘅招牌甩咗一边，吊喺半空摇嚟摇去，下面啲街坊照样行过", "trapped"),
            ("广告牌松了，风一吹就晃，下面照样有人走过", "trapped"),
            ("有人把车停在马路中间", None),
            ("狗躺在马路中间晒太阳", None),
            ("广告牌松了，下面是人行道", None),
        )
    )


def test_a_room_sealed_with_tape_and_charcoal_bought_is_an_alarm_but_charcoal_for_heat_is_not():
    """A neighbour who taped up every door and window and bought bags of charcoal is
    preparing to end his life, told in either order; windows sealed against the cold with
    charcoal burnt for heat, or charcoal bought for a barbecue, is not that."""
    assert_signals(
        (
            ("我邻居把自己家的门窗都用胶带封起来了，还买了好几袋炭", "self_harm"),
            ("他买了两袋木炭回来，又拿胶带把门缝封上了", "self_harm"),
            ("冬天了，窗户用塑料布封起来了，屋里烧炭取暖", None),
            ("买了几袋炭准备周末烧烤", None),
        )
    )


def test_a_risk_hedged_as_perhaps_nothing_is_still_an_alarm():
    """Residents often hedge (可能是我想多了, 不知道是不是我多心了): a daughter looking up
    how to go without pain, or a parked car whose engine has run for hours with its
    windows misted, is still an alarm; a car warmed up in the morning, or a cook asking
    how to kill a fish without pain, is not."""
    assert_signals(
        (
            (
                "可能是我想多了，我闺女最近总在网上查怎么才能不痛苦地走，今天还问我她的保险受益人是谁",
                "self_harm",
            ),
            (
                "不知道是不是我多心了，楼下停的那辆车一直没熄火，好几个钟头了，玻璃上全是水汽",
                "gas_fire",
            ),
            ("隔壁的车每天早上热车，一直没熄火，吵得很", None),
            ("怎么杀鱼才能让鱼不痛苦地死", None),
        )
    )


def test_a_death_that_did_not_happen_is_no_alarm_but_one_about_to_is():
    """A report saying 还好没出人命 tells of an accident that ended well, for the hazard's
    owner in working hours; 再不拉开就要出人命了 is a fight about to turn deadly now."""
    assert_signals(
        (
            ("两家在院子里扭打成一团，再不拉开就要出人命了", "violence"),
            ("上个月楼道的电线短路烧了一回，还好没出人命，线到现在也没换", None),
            ("前年他骑车摔进沟里，没出人命，可腿落下了毛病，想问问能不能办残疾证", None),
        )
    )


def test_a_quarrel_broken_up_apologised_for_or_long_ago_is_no_alarm_but_one_going_on_is():
    """A push that the building head broke up, a neighbour who apologised, a husband who
    slammed the door on his way out, a television smashed last month, a torch lit in a
    search last year, a device to call for help and a warning never to tell a password are
    for the mediator or the service desk in working hours; a push going on, or a man back
    with a knife today, are not."""
    assert_signals(
        (
            ("两家为了车位推搡了几下，被保安劝开了", None),
            ("他推了我一把，第二天上门道了歉", None),
            ("两个小伙子在走廊里推推搡搡，保安上来把他们拉开了", None),
            ("吵完架她老公摔门走了，她一个人在屋里哭", None),
            ("两家为地界曾有推搡，现在还在闹，想请人调解", None),
            ("上个月他喝多了把电视砸了，孩子吓哭了，现在戒了酒", None),
            ("前阵子他加班晕倒在电梯里，送医院以后现在好了", None),
            ("去年大家打着火把上山找过他，这回想给他买个定位手表", None),
            ("想给独居的爸爸装个一键求救的按钮", None),
            ("提醒楼里的老人，银行卡和密码千万别告诉陌生人", None),
            ("两家为了车位推搡起来了，保安还没到", "violence"),
            ("她老公在家摔东西，孩子吓得直哭", "violence"),
            ("去年他拿刀砍过我，今天又拿着刀堵在我家门口", "violence"),
        )
    )
