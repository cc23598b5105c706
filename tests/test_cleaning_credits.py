"""Image credits: every form the site uses, glued or alone, and sentences that only mention photos."""

from pathlib import Path

import pytest

from newscrawler.cleaning.credits import credit_of_block, strip_body_credits, strip_credits, strip_inline_credits

SNAPSHOT = Path(__file__).parent / "data" / "seed" / "article-page-snapshot.txt"


@pytest.mark.parametrize("text, photographer, provider", [
    ("©Pexels/RODNAE Productions", "RODNAE Productions", "Pexels"),
    ("© Reuters", None, "Reuters"),
    ("Photo by Thought Catalog on Unsplash", "Thought Catalog", "Unsplash"),
    ("Photo by Engin Akyurt on Pexels", "Engin Akyurt", "Pexels"),
    ("Image: Shutterstock", None, "Shutterstock"),
    ("Credit: Jane Roe/Getty Images", "Jane Roe", "Getty Images"),
    ("Credit: Reuters", None, "Reuters"),
    ("Credit: Jane Roe", "Jane Roe", None),
    ("Photo by Kim Min-jun on Some Local Agency", "Kim Min-jun", "Some Local Agency"),
    ("Courtesy of Netflix", None, "Netflix"),
    ("Photo courtesy of The Estate of Jane Roe", None, "The Estate of Jane Roe"),
])
def test_credit_alone_in_a_block(text, photographer, provider):
    credit = credit_of_block(text)
    assert credit is not None
    assert credit.as_dict() == {"text": text, "photographer": photographer, "provider": provider}
    assert strip_credits(text) == (None, [credit])


@pytest.mark.parametrize("bracketed", ["[Photo: Jane Roe]", "(Image: Shutterstock)"])
def test_a_credit_in_brackets_is_the_credit_it_holds(bracketed):
    assert credit_of_block(bracketed) == credit_of_block(bracketed[1:-1])
    assert strip_credits(bracketed)[0] is None


@pytest.mark.parametrize("sentence", [
    "A photo by the agency showed crowds queuing outside the exchange.",
    "The image of a falling chart circulated widely on social media.",
    "Photos shared online showed the new mining facility in Almaty.",
    "He said the photo by Reuters was misleading and asked for a correction in the next edition.",
    "Image quality matters: traders prefer clear charts.",
    "Credit card payments in crypto rose 4% this year.",
    "",
])
def test_sentences_that_mention_photos_stay(sentence):
    assert strip_credits(sentence) == (sentence, [])


def test_credits_glued_into_running_text():
    text = ("Bitmain resolved its cash flow issues.Photo by Thought Catalog on\u00a0UnsplashCash flow challenges"
            "News of the payment emerged.Image: ShutterstockInternal conflicts©Pexels/RODNAE Productions")
    cleaned, credits = strip_inline_credits(text)
    assert [(c.photographer, c.provider) for c in credits] == [
        ("Thought Catalog", "Unsplash"), (None, "Shutterstock"), ("RODNAE Productions", "Pexels")]
    assert "Photo by" not in cleaned and "Shutterstock" not in cleaned and "©" not in cleaned
    assert cleaned.startswith("Bitmain resolved its cash flow issues. Cash flow challengesNews of the payment")


def test_snapshot_of_the_real_site():
    cleaned, credits = strip_inline_credits(SNAPSHOT.read_text())
    assert [c.provider for c in credits] == ["Pexels", "Unsplash", "Unsplash", "Pexels"]
    assert [c.photographer for c in credits] == ["RODNAE Productions", "Thought Catalog", "Jiho Choi", "Engin Akyurt"]
    assert "Photo by" not in cleaned


def test_body_blocks():
    body = "First paragraph.\n\n© Reuters\n\nSkeptics\n\nA photo by the agency showed a queue."
    cleaned, credits = strip_body_credits(body)
    assert cleaned == "First paragraph.\n\nSkeptics\n\nA photo by the agency showed a queue."
    assert [c.text for c in credits] == ["© Reuters"]


@pytest.mark.parametrize("text", ["Credit: markets rallied on the news", "Photo by a drone operator over the mine",
                                  "Image: a chart of prices since the halving"])
def test_a_paragraph_that_only_begins_like_a_credit_is_body_text(text):
    assert credit_of_block(text) is None
    assert strip_body_credits(f"First.\n\n{text}\n\nLast.")[0] == f"First.\n\n{text}\n\nLast."


@pytest.mark.parametrize("caption, rest, photographer, provider", [
    ("Israeli forces near a checkpoint. Photograph: Ahmad Gharabli/Getty Images", "Israeli forces near a checkpoint.",
     "Ahmad Gharabli", "Getty Images"),
    ("Trump speaks. (Photo by Spencer Platt/Getty Images)", "Trump speaks.", "Spencer Platt", "Getty Images"),
    ("A man walks by. REUTERS/Kevin Lamarque", "A man walks by.", "Kevin Lamarque", "REUTERS"),
    ("Ein Mann geht. Foto: dpa", "Ein Mann geht.", None, "dpa"),
    ("Le président. Crédit photo : Ludovic Marin / AFP", "Le président.", "Ludovic Marin", "AFP"),
    ("Oil pumps near Lost Hills, California. David McNew—Getty Images", "Oil pumps near Lost Hills, California.",
     "David McNew", "Getty Images"),
    ("Protesters march. (AP Photo/Evan Vucci)", "Protesters march.", "Evan Vucci", "AP"),
    ("Der Hafen. Bild: imago images/Sven Simon", "Der Hafen.", "Sven Simon", "imago images"),
    ("Die Demo. © picture alliance / dpa", "Die Demo.", None, "picture alliance / dpa"),
    ("Soldiers in Kyiv. Jane Doe/The New York Times", "Soldiers in Kyiv.", "Jane Doe", "The New York Times"),
    ("Markets. Jane Doe | Getty Images", "Markets.", "Jane Doe", "Getty Images"),
    ("The White House. Getty Images", "The White House.", None, "Getty Images"),
    ("Fans cheer. REUTERS/Kai Pfaffenbach/File Photo", "Fans cheer.", "Kai Pfaffenbach", "REUTERS"),
])
def test_a_credit_at_the_end_of_a_caption(caption, rest, photographer, provider):
    from newscrawler.cleaning.credits import trailing_credit

    left, credit = trailing_credit(caption)
    assert (left, credit.photographer, credit.provider) == (rest, photographer, provider)


@pytest.mark.parametrize("caption", ["The sun sets over the bay. Photo by the sea",
                                     "Markets fell. Source: analysts said the market would fall.",
                                     "Students at the photo exhibition in Seoul.",
                                     "The talks in Geneva. Switzerland/France"])
def test_a_caption_that_ends_in_words_keeps_them(caption):
    from newscrawler.cleaning.credits import trailing_credit

    assert trailing_credit(caption) is None


def test_a_credit_element_keeps_its_label_out_of_the_names():
    from newscrawler.cleaning.credits import credit_of_element

    credit = credit_of_element("Photograph: Dan Kitwood/Getty Images")
    assert (credit.text, credit.photographer, credit.provider) == \
        ("Photograph: Dan Kitwood/Getty Images", "Dan Kitwood", "Getty Images")
    assert credit_of_element("Getty Images/Sipa USA").photographer is None


@pytest.mark.parametrize("body, kept, credits", [
    ("비트코인이 상승했다.\n\n사진=연합뉴스\n\n다음 문단.", "비트코인이 상승했다.\n\n다음 문단.", [(None, "연합뉴스")]),
    ("시장 전경 (사진=게티이미지뱅크) 이후 거래가 늘었다.", "시장 전경 이후 거래가 늘었다.", [(None, "게티이미지뱅크")]),
    ("사진=홍길동 기자", "", [("홍길동", None)]),
    ("거래소 앞 (사진=OO 제공)", "거래소 앞", [(None, "OO")]),
    ("데이터가 나왔다. ⓒ코인니스", "데이터가 나왔다.", [(None, "코인니스")]),
    ("출처: 셔터스톡", "", [(None, "셔터스톡")]),
    ("이미지: 픽사베이", "", [(None, "픽사베이")]),
    ("출처: 한국은행 자료에 따르면 물가가 올랐다고 밝혔다", "출처: 한국은행 자료에 따르면 물가가 올랐다고 밝혔다", []),
])
def test_korean_credits(body, kept, credits):
    cleaned, found = strip_body_credits(body)
    assert cleaned == kept
    assert [(c.photographer, c.provider) for c in found] == credits


@pytest.mark.parametrize("sentence", [
    "Last year the gallery bought a photograph by Ansel Adams.",
    "She framed a picture by Jane Doe.",
    "He posted a photo by Kim Lee on his page.",
    "He posted a photo by Kim Lee.",
    "The museum shows images by Nan Goldin.",
    "The magazine ran a photo essay. Its cover was a picture by Annie Leibovitz.",
])
def test_a_credit_word_inside_a_sentence_is_the_sentence_s(sentence):
    """A credit is a line or a trailing unit of its own, never the end of a sentence's grammar."""
    from newscrawler.cleaning.credits import strip_caption_credits

    assert strip_body_credits(sentence) == (sentence, [])
    assert strip_caption_credits(sentence) == (sentence, [])


@pytest.mark.parametrize("text, rest, photographer, provider", [
    ("Photo: Reuters/Brendan McDermid", "", "Brendan McDermid", "Reuters"),
    ("Traders work on the floor. Photo: Reuters/Brendan McDermid", "Traders work on the floor.",
     "Brendan McDermid", "Reuters"),
    ("Image: Getty Images/iStockphoto", "", None, "Getty Images/iStockphoto"),
    ("A chart of prices.Image: Getty Images/iStockphoto", "A chart of prices.", None, "Getty Images/iStockphoto"),
    ("Picture: AFP / Jane Roe", "", "Jane Roe", "AFP"),
])
def test_an_agency_and_who_took_the_picture_are_one_credit(text, rest, photographer, provider):
    cleaned, found = strip_body_credits(text)
    assert cleaned == rest
    assert [(c.photographer, c.provider) for c in found] == [(photographer, provider)]


@pytest.mark.parametrize("body, kept, provider", [
    ("비트코인이 올랐다. /사진=뉴스1", "비트코인이 올랐다.", "뉴스1"),
    ("거래소 앞 풍경 [사진=연합뉴스]", "거래소 앞 풍경", "연합뉴스"),
    ("[사진=연합뉴스]", "", "연합뉴스"),
    ("서울 시내 전경. 연합뉴스", "서울 시내 전경.", "연합뉴스"),
    ("자료사진=뉴시스", "", "뉴시스"),
    ("会見する首相（写真：ロイター）", "会見する首相", "ロイター"),
    ("記者会見する首相＝15日、首相官邸＝共同", "記者会見する首相＝15日、首相官邸", "共同"),
    ("北京的街头。图/视觉中国", "北京的街头。", "视觉中国"),
    ("上海外滩夜景（图片来源：视觉中国）", "上海外滩夜景", "视觉中国"),
])
def test_credits_of_korean_japanese_and_chinese_pages(body, kept, provider):
    cleaned, found = strip_body_credits(body)
    assert cleaned == kept
    assert [c.provider for c in found] == [provider]


@pytest.mark.parametrize("text", [
    "자료=한국은행", "물가가 올랐다. 자료=한국은행", "출처: 한국은행", "Source: Eurostat",
    "Prices rose 3% in May. Source: Eurostat", "(Source: Eurostat)", "Quelle: Statistisches Bundesamt",
    "数据来源：国家统计局", "出典：総務省",
])
def test_a_data_source_is_no_picture_credit_and_stays(text):
    from newscrawler.cleaning.credits import strip_caption_credits

    assert strip_body_credits(text) == (text, [])
    assert strip_caption_credits(text) == (text, [])


@pytest.mark.parametrize("body, kept, photographer, provider", [
    ("新华社记者 张三 摄", "", "张三", "新华社"),
    ("人们在北京街头观看烟花。新华社记者 张三 摄", "人们在北京街头观看烟花。", "张三", "新华社"),
    ("新华社记者李四摄", "", "李四", "新华社"),
    ("中新社记者 赵六 摄", "", "赵六", "中新社"),
    ("人们在北京街头观看烟花。（新华社发 李四 摄）", "人们在北京街头观看烟花。", "李四", "新华社"),
    ("（新华社记者 王五 摄）", "", "王五", "新华社"),
    ("当地时间5月3日，游客在海边游玩。新华社发（法里德·哈利勒 摄）", "当地时间5月3日，游客在海边游玩。", "法里德·哈利勒", "新华社"),
    ("图为会议现场。记者 张三/摄", "图为会议现场。", "张三", None),
    ("本报记者 王五 摄", "", "王五", None),
    ("游客在海边游玩。 张三 摄", "游客在海边游玩。", "张三", None),
    ("新华社记者 张三 李四 摄", "", "张三 李四", "新华社"),
    ("会見する首相（撮影・山田太郎）", "会見する首相", "山田太郎", None),
    ("撮影・山田太郎", "", "山田太郎", None),
    ("記者会見する首相＝撮影・山田太郎", "記者会見する首相", "山田太郎", None),
    ("사진 = 홍길동 기자", "", "홍길동", None),
    ("거래소 앞 풍경 (사진 = 홍길동 기자)", "거래소 앞 풍경", "홍길동", None),
])
def test_photographers_credited_as_chinese_and_japanese_pages_write_them(body, kept, photographer, provider):
    cleaned, found = strip_body_credits(body)
    assert cleaned == kept
    assert [(c.photographer, c.provider) for c in found] == [(photographer, provider)]


@pytest.mark.parametrize("text", [
    "这是他们第一次拍摄。", "他拍摄", "新华社记者在现场采访。", "他说：我摄了一张照片", "请摄", "记者会见摄",
    "新华社记者 张三 报道",
])
def test_a_sentence_that_ends_near_a_word_for_taking_pictures_is_text(text):
    from newscrawler.cleaning.credits import strip_caption_credits

    assert strip_body_credits(text) == (text, [])
    assert strip_caption_credits(text) == (text, [])
